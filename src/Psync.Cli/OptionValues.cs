using System.Globalization;
using System.Text.RegularExpressions;

namespace Psync.Cli;

/// <summary>Checks and converts option values; every failure is a <see cref="UsageException"/> naming the option.</summary>
internal static class OptionValues
{
    public static string Regex(OptionSpec option, string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return pattern;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"option {option.Name}: bad regex '{pattern}': {e.Message}");
        }
    }

    public static int Integer(OptionSpec option, string value, int min, int max)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        throw new UsageException($"option {option.Name}: '{value}' is not a whole number from {min} to {max}");
    }

    public static double Fraction(OptionSpec option, string value)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x is >= 0 and <= 1)
        {
            return x;
        }
        throw new UsageException($"option {option.Name}: '{value}' is not a number from 0 to 1");
    }

    public static string NotEmpty(OptionSpec option, string value) =>
        value.Length > 0 ? value : throw new UsageException($"option {option.Name}: the value is empty");

    /// <summary>[user@]host[:port], or [user@][v6-address][:port].</summary>
    public static string Host(OptionSpec option, string value)
    {
        var host = value[(value.LastIndexOf('@') + 1)..];
        var closing = host.LastIndexOf(']');
        var colon = host.LastIndexOf(':');
        var bare = host.StartsWith('[') ? closing > 0 ? host[1..closing] : "" : host;
        string? port = null;
        if (host.StartsWith('['))
        {
            port = closing > 0 && closing + 1 < host.Length && host[closing + 1] == ':' ? host[(closing + 2)..] : null;
            if (closing < 0 || (closing + 1 < host.Length && port is null))
            {
                bare = "";
            }
        }
        else if (colon >= 0 && host.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            bare = host[..colon];
            port = host[(colon + 1)..];
        }
        if (bare.Length == 0 || value.Any(char.IsWhiteSpace) || value.StartsWith('-'))
        {
            throw new UsageException($"option {option.Name}: '{value}' is not [user@]host[:port]");
        }
        if (port is not null && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536))
        {
            throw new UsageException($"option {option.Name}: '{port}' in '{value}' is not a port number");
        }
        return value;
    }
}
