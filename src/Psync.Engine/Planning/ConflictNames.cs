using System.Globalization;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Planning;

/// <summary>
/// Names beside a path, in the same directory, within the 255-byte name limit:
/// <c>name.psync-conflict-YYYYMMDD-HHMMSS-side.ext</c> for a conflict copy,
/// <c>name.psync-restored-YYYYMMDD-HHMMSS.ext</c> for a version restored from the trash where the name was taken.
/// </summary>
internal static class ConflictNames
{
    private const int NameMax = 255;

    public static string For(string path, Side loser, DateTimeOffset time, int attempt = 0) =>
        Tagged(path, string.Create(CultureInfo.InvariantCulture, $".psync-conflict-{time.UtcDateTime:yyyyMMdd-HHmmss}-{loser.Name()}"), attempt);

    public static string Restored(string path, DateTimeOffset time, int attempt = 0) =>
        Tagged(path, string.Create(CultureInfo.InvariantCulture, $".psync-restored-{time.UtcDateTime:yyyyMMdd-HHmmss}"), attempt);

    private static string Tagged(string path, string tag, int attempt)
    {
        var slash = path.LastIndexOf('/');
        var dir = slash < 0 ? "" : path[..(slash + 1)];
        var name = path[(slash + 1)..];
        var dot = name.LastIndexOf('.');
        var (stem, ext) = dot > 0 ? (name[..dot], name[dot..]) : (name, "");
        if (attempt > 0)
        {
            tag += string.Create(CultureInfo.InvariantCulture, $"-{attempt}");
        }
        while (stem.Length > 1 && PathCodec.Encode(stem + tag + ext).Length > NameMax)
        {
            stem = stem[..^1];
            if (char.IsHighSurrogate(stem[^1]))
            {
                stem = stem[..^1];
            }
        }
        return dir + stem + tag + ext;
    }
}
