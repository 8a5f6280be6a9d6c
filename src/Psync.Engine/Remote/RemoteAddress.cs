using System.Globalization;

namespace Psync.Engine.Remote;

/// <summary>Where the right side lives: <c>[user@]host[:port]</c>, with IPv6 addresses in brackets (<c>[::1]:2222</c>).</summary>
/// <param name="User">The login name; the current user's when none is given.</param>
/// <param name="Host">A host name or an IP address (IPv6 without brackets).</param>
/// <param name="Port">The SSH port, 22 when none is given.</param>
public sealed record RemoteAddress(string User, string Host, int Port)
{
    /// <summary>The SSH port used when none is given.</summary>
    public const int DefaultPort = 22;

    /// <summary>True for an IPv6 address, which needs brackets when a port follows it.</summary>
    public bool IsIPv6 => Host.Contains(':', StringComparison.Ordinal);

    /// <summary>Parses <c>[user@]host[:port]</c>.</summary>
    /// <param name="text">The address as the user typed it.</param>
    /// <param name="defaultUser">The user when none is given; null means the current user.</param>
    /// <exception cref="FormatException">The text is not a usable address; the message says why.</exception>
    public static RemoteAddress Parse(string text, string? defaultUser = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new FormatException("the remote address is empty: expected [user@]host[:port]");
        }
        if (text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new FormatException($"the remote address '{text}' contains a space or control character");
        }

        var user = defaultUser ?? Environment.UserName;
        var rest = text;
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            user = text[..at];
            rest = text[(at + 1)..];
            if (user.Length == 0)
            {
                throw new FormatException($"the remote address '{text}' has an empty user name before '@'");
            }
        }

        string host;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"the remote address '{text}' opens '[' without closing it: write [::1]:2222");
            }
            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    throw new FormatException($"the remote address '{text}' has '{after}' after ']': only :port may follow");
                }
                portText = after[1..];
            }
        }
        else
        {
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0 && rest.IndexOf(':', colon + 1) >= 0)
            {
                throw new FormatException($"the remote address '{text}' looks like an IPv6 address: put it in brackets, e.g. [{rest}] or [{rest}]:22");
            }
            host = colon < 0 ? rest : rest[..colon];
            portText = colon < 0 ? null : rest[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new FormatException($"the remote address '{text}' has no host name");
        }
        // A leading dash would be read as an option by ssh (e.g. -oProxyCommand=...), wherever it ends up.
        if (host.StartsWith('-'))
        {
            throw new FormatException($"the host name in '{text}' may not start with '-'");
        }
        if (user.StartsWith('-'))
        {
            throw new FormatException($"the user name in '{text}' may not start with '-'");
        }
        if (host.IndexOfAny(['[', ']', '@', '/']) >= 0)
        {
            throw new FormatException($"the host name '{host}' in '{text}' contains '[', ']', '@' or '/'");
        }

        var port = DefaultPort;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new FormatException($"the port '{portText}' in '{text}' is not a number from 1 to 65535");
            }
        }
        return new RemoteAddress(user, host, port);
    }

    /// <summary>Like <see cref="Parse"/>, without the exception.</summary>
    public static bool TryParse(string text, out RemoteAddress? address, string? defaultUser = null)
    {
        try
        {
            address = Parse(text, defaultUser);
            return true;
        }
        catch (FormatException)
        {
            address = null;
            return false;
        }
    }

    /// <summary><c>host</c>, or <c>[host]</c> for IPv6: the form that may be followed by <c>:port</c>.</summary>
    public string HostForDisplay => IsIPv6 ? $"[{Host}]" : Host;

    /// <summary><c>user@host:port</c> (IPv6 in brackets): parses back to the same address.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{User}@{HostForDisplay}:{Port}");
}
