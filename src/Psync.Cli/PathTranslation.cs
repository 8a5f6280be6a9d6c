namespace Psync.Cli;

/// <summary>
/// psync's -T OLD:NEW. psync ran with one path for both sides and needed it to tell the remote
/// path; Psync takes SRC and DST apart, so it only rewrites DST: a leading OLD (whole path
/// elements) becomes NEW.
/// </summary>
internal sealed record PathTranslation(string Old, string New)
{
    public static PathTranslation Parse(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new UsageException($"-T: '{value}' is not OLD:NEW");
        }
        var old = value[..colon];
        if (old.Length == 0)
        {
            throw new UsageException($"-T: '{value}' has an empty OLD part");
        }
        return new PathTranslation(old, value[(colon + 1)..]);
    }

    /// <summary>Rewrites <paramref name="path"/>; null when it does not start with <see cref="Old"/>.</summary>
    public string? Apply(string path)
    {
        var old = Old.TrimEnd('/'); // "/" becomes "", which every absolute path starts with
        if (path != old && !path.StartsWith(old + "/", StringComparison.Ordinal))
        {
            return null;
        }
        var result = New.TrimEnd('/') + path[old.Length..];
        return result.Length == 0 ? "/" : result;
    }
}
