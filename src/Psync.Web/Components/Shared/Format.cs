using System.Globalization;

namespace Psync.Web.Components.Shared;

/// <summary>How figures read on the pages.</summary>
public static class Format
{
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (bytes >= (i == 0 ? 1023.5 : 1023.95) && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }
        return i == 0 ? $"{bytes:0} {units[i]}" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[i]}");
    }

    public static string Rate(double bytesPerSecond) => bytesPerSecond <= 0 ? "—" : Bytes(bytesPerSecond) + "/s";

    public static string Ago(DateTimeOffset? time, DateTimeOffset now)
    {
        if (time is not { } t)
        {
            return "never";
        }
        var span = now - t;
        return span.TotalSeconds < 5 ? "just now"
            : span.TotalSeconds < 59.5 ? $"{span.TotalSeconds:0} s ago"
            : span.TotalMinutes < 59.5 ? $"{span.TotalMinutes:0} min ago"
            : span.TotalHours < 23.5 ? $"{span.TotalHours:0} h ago"
            : t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>A time to the second with the appliance's offset from UTC: <c>2026-12-06 09:41:03 +01:00</c>.</summary>
    public static string TimeWithZone(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>Permission bits as <c>ls -l</c> shows them (setuid, setgid and sticky included), then the octal mode: <c>rw-r--r-- (644)</c>.</summary>
    public static string Permissions(uint mode)
    {
        var bits = new char[9];
        for (var i = 0; i < 9; i++)
        {
            bits[i] = (mode & (1u << (8 - i))) != 0 ? "rwx"[i % 3] : '-';
        }
        (int Bit, int At, char Set)[] special = [(0x800, 2, 's'), (0x400, 5, 's'), (0x200, 8, 't')];
        foreach (var (bit, at, set) in special)
        {
            if ((mode & bit) != 0)
            {
                bits[at] = bits[at] == 'x' ? set : char.ToUpperInvariant(set);
            }
        }
        return $"{new string(bits)} ({Convert.ToString(mode & 0xFFF, 8).PadLeft(3, '0')})";
    }

    /// <summary>A count with its noun, singular or plural: "1 item", "3 items" (<paramref name="plural"/> when not noun + "s").</summary>
    public static string Count(long count, string noun, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:#,0} {(count == 1 ? noun : plural ?? noun + "s")}");

    /// <summary>How long until <paramref name="time"/>: "in 4 s", "in 3 min", "now" once it has passed.</summary>
    public static string Until(DateTimeOffset time, DateTimeOffset now)
    {
        var span = time - now;
        return span.TotalSeconds < 0.5 ? "now"
            : span.TotalSeconds < 59.5 ? $"in {span.TotalSeconds:0} s"
            : span.TotalMinutes < 59.5 ? $"in {span.TotalMinutes:0} min"
            : $"in {span.TotalHours:0} h";
    }
}
