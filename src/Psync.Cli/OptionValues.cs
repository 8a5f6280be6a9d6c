using System.Globalization;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>Checks and converts option values; every failure is a <see cref="UsageException"/> naming the option.</summary>
internal static class OptionValues
{
    /// <summary>A -e or -t pattern, checked by the one pattern policy (<see cref="PathPatterns"/>).</summary>
    public static string Regex(OptionSpec option, string pattern) =>
        PathPatterns.Problem(pattern) is { } problem ? throw new UsageException($"option {option.Name}: {problem}") : pattern;

    public static int Integer(OptionSpec option, string value, int min, int max)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        throw new UsageException($"option {option.Name}: '{value}' is not a whole number from {min} to {max}");
    }

    /// <summary>A whole number; its range is the engine's to judge (<see cref="Engine.PairOptions.Validate"/>).</summary>
    public static long WholeNumber(OptionSpec option, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
            : throw new UsageException($"option {option.Name}: '{value}' is not a whole number");

    /// <summary>A decimal number; its range is the engine's to judge (<see cref="Engine.PairOptions.Validate"/>).</summary>
    public static double Number(OptionSpec option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x
            : throw new UsageException($"option {option.Name}: '{value}' is not a number");

    /// <summary>A <see cref="Engine.SyncMode"/> by its name (<see cref="Engine.SyncModes.Name"/>).</summary>
    public static Engine.SyncMode Mode(OptionSpec option, string value) =>
        Engine.SyncModes.TryParse(value, out var mode) ? mode
            : throw new UsageException($"option {option.Name}: '{value}' is not a mode; the modes are {Engine.SyncModes.Names}");

    /// <summary>A <see cref="Engine.ConflictPolicy"/> by its name (<see cref="Engine.ConflictPolicies.Name"/>).</summary>
    public static Engine.ConflictPolicy Policy(OptionSpec option, string value) =>
        Engine.ConflictPolicies.TryParse(value, out var policy) ? policy
            : throw new UsageException($"option {option.Name}: '{value}' is not a conflict policy; the policies are {Engine.ConflictPolicies.Names}");

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
