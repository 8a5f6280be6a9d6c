using System.Globalization;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Engine.Planning;

/// <summary><c>name.psync-conflict-YYYYMMDD-HHMMSS-side.ext</c>, in the same directory, within the 255-byte name limit.</summary>
internal static class ConflictNames
{
    private const int NameMax = 255;

    public static string For(string path, Side loser, DateTimeOffset time, int attempt = 0)
    {
        var slash = path.LastIndexOf('/');
        var dir = slash < 0 ? "" : path[..(slash + 1)];
        var name = path[(slash + 1)..];
        var dot = name.LastIndexOf('.');
        var (stem, ext) = dot > 0 ? (name[..dot], name[dot..]) : (name, "");
        var tag = string.Create(CultureInfo.InvariantCulture, $".psync-conflict-{time.UtcDateTime:yyyyMMdd-HHmmss}-{loser.Name()}{(attempt > 0 ? $"-{attempt}" : "")}");
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
