using System.Globalization;

namespace Psync.Web.Components.Shared;

/// <summary>How figures read on the pages: the one place for sizes, counts and plurals, rates, durations and times.</summary>
public static class Format
{
    /// <summary>A whole number with thousands separators: "2,000".</summary>
    public static string Number(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A count and its noun, singular for exactly one: "1 file", "2,000 files", "1 directory", "3 directories".</summary>
    public static string Count(long n, string singular, string? plural = null) =>
        $"{Number(n)} {(n == 1 ? singular : plural ?? Plural(singular))}";

    /// <summary>"file" → "files", "directory" → "directories", "match" → "matches".</summary>
    public static string Plural(string singular) =>
        singular.EndsWith('y') && singular.Length > 1 && !"aeiou".Contains(singular[^2], StringComparison.Ordinal) ? singular[..^1] + "ies"
        : singular.EndsWith('s') || singular.EndsWith('x') || singular.EndsWith("ch", StringComparison.Ordinal) || singular.EndsWith("sh", StringComparison.Ordinal) ? singular + "es"
        : singular + "s";

    /// <summary>Done of total, the noun plural by the total: "1,730 of 2,000 files", "1 of 1 file".</summary>
    public static string CountOf(long done, long total, string singular) =>
        $"{Number(done)} of {Count(total, singular)}";

    /// <summary>Bytes done of total in the total's unit: "6.8 of 7.8 MiB".</summary>
    public static string BytesOf(double done, double total)
    {
        var whole = Bytes(total);
        var unit = whole[(whole.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        var scale = unit switch { "KiB" => 1024.0, "MiB" => 1024.0 * 1024, "GiB" => 1024.0 * 1024 * 1024, "TiB" => 1024.0 * 1024 * 1024 * 1024, _ => 1 };
        var part = scale == 1 ? $"{done:0}" : string.Create(CultureInfo.InvariantCulture, $"{done / scale:0.0}");
        return $"{part} of {whole}";
    }

    /// <summary>A span as a person says it: "0 s", "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }
        var seconds = (long)Math.Round(span.TotalSeconds);
        return seconds < 60 ? $"{seconds} s"
            : seconds < 3600 ? $"{seconds / 60} min{(seconds % 60 > 0 ? $" {seconds % 60} s" : "")}"
            : seconds < 86400 ? $"{seconds / 3600} h{(seconds / 60 % 60 > 0 ? $" {seconds / 60 % 60} min" : "")}"
            : $"{seconds / 86400} d{(seconds / 3600 % 24 > 0 ? $" {seconds / 3600 % 24} h" : "")}";
    }

    /// <summary>Time left: "~2 s left"; empty when unknown.</summary>
    public static string Eta(TimeSpan? remaining) => remaining is { } r ? $"~{Duration(r)} left" : "";

    /// <summary>The offset as a zone name: "UTC", "UTC+01:00", "UTC-05:30".</summary>
    public static string Zone(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "UTC" : $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}";

    /// <summary>A clock time in <paramref name="zone"/> (the appliance's when null), with the zone: "07:52:03 UTC".</summary>
    public static string ClockTime(DateTimeOffset time, TimeZoneInfo? zone = null)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone ?? TimeZoneInfo.Local);
        return $"{local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {Zone(local.Offset)}";
    }

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
            : $"{t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {Zone(t.ToLocalTime().Offset)}";
    }

    /// <summary>A date and time with milliseconds and zone, in <paramref name="zone"/> (the appliance's when null): "2026-12-06 07:52:03.120 UTC".</summary>
    public static string Time(DateTimeOffset time, TimeZoneInfo? zone = null)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone ?? TimeZoneInfo.Local);
        return $"{local.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)} {Zone(local.Offset)}";
    }
}
