using System.Text;

namespace Psync.Native.Tests;

/// <summary>One cinotify record: EVENT, FLAGS ("d" or ""), PATH and ARG, the last two as raw bytes.</summary>
public sealed record CinotifyRecord(string Event, bool IsDir, byte[] Path, byte[] Arg)
{
    /// <summary>PATH decoded as UTF-8 (lossy for names that are not UTF-8).</summary>
    public string PathText => Encoding.UTF8.GetString(Path);

    /// <summary>ARG decoded as UTF-8.</summary>
    public string ArgText => Encoding.UTF8.GetString(Arg);

    public bool Is(string ev, string path) => Event == ev && PathText == path;

    public override string ToString() =>
        $"{Event} {(IsDir ? "d" : "-")} '{Escape(Path)}' '{Escape(Arg)}'";

    private static string Escape(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f && b != '\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append($"\\x{b:x2}");
            }
        }
        return sb.ToString();
    }
}
