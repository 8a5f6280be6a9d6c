using System.Text;

namespace Psync.Engine.Remote;

/// <summary>
/// Quotes values for a POSIX shell command line (what an SSH exec request runs). Every value we
/// put into a remote command goes through here: nothing typed by a user or found on disk reaches
/// a shell unquoted.
/// </summary>
public static class ShellQuote
{
    /// <summary>
    /// One shell word that the shell turns back into exactly <paramref name="value"/>: the value in
    /// single quotes, each single quote written as <c>'\''</c>. Quoting does not stop a program from
    /// reading a leading dash as an option: pass <c>--</c> or an absolute path for that.
    /// </summary>
    /// <exception cref="ArgumentException">The value contains a NUL character, which no shell argument can hold.</exception>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a shell argument cannot contain a NUL character", nameof(value));
        }
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The quoted words joined by spaces: a command line whose arguments are exactly <paramref name="words"/>.</summary>
    public static string Join(params IEnumerable<string> words)
    {
        var sb = new StringBuilder();
        foreach (var word in words)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }
            sb.Append(Quote(word));
        }
        return sb.ToString();
    }

    /// <summary>
    /// A path as one shell word; a path that starts with <c>~/</c> becomes <c>"$HOME"/'rest'</c> so
    /// the remote shell puts the remote user's home in front of it.
    /// </summary>
    public static string Path(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~")
        {
            return "\"$HOME\"";
        }
        return path.StartsWith("~/", StringComparison.Ordinal) ? "\"$HOME\"/" + Quote(path[2..]) : Quote(path);
    }
}
