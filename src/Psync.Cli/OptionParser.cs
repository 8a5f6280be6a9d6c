namespace Psync.Cli;

/// <summary>One option: a short letter and/or a long name, with or without a value.</summary>
internal sealed record OptionSpec(char? Short, string? Long, bool TakesValue)
{
    public string Name => Long is not null ? "--" + Long : "-" + Short;
}

/// <summary>What the user typed, in order: options with their values, and the other arguments.</summary>
internal sealed record ParsedArguments(IReadOnlyList<(OptionSpec Option, string? Value)> Options, IReadOnlyList<string> Positionals);

/// <summary>A command line that cannot be run; the message says why.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Splits a command line the way Python's optparse does (psync's parser): <c>-r HOST</c>,
/// <c>-rHOST</c>, <c>--remote-host=HOST</c>, <c>--remote-host HOST</c>, grouped flags
/// (<c>-nk</c>), unique prefixes of long names (<c>--remote</c>), options anywhere among the
/// arguments, and <c>--</c> to end them. An option's value is the next argument even when it
/// starts with '-', as in optparse.
/// </summary>
internal sealed class OptionParser(IReadOnlyList<OptionSpec> specs)
{
    public ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var options = new List<(OptionSpec, string?)>();
        var positionals = new List<string>();
        var onlyPositionals = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (onlyPositionals || arg == "-" || !arg.StartsWith('-'))
            {
                positionals.Add(arg);
            }
            else if (arg == "--")
            {
                onlyPositionals = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var spec = FindLong(eq < 0 ? arg[2..] : arg[2..eq]);
                if (!spec.TakesValue)
                {
                    if (eq >= 0)
                    {
                        throw new UsageException($"option {spec.Name} does not take a value");
                    }
                    options.Add((spec, null));
                }
                else if (eq >= 0)
                {
                    options.Add((spec, arg[(eq + 1)..]));
                }
                else
                {
                    options.Add((spec, i + 1 < args.Count ? args[++i] : throw Missing(spec)));
                }
            }
            else
            {
                for (var j = 1; j < arg.Length; j++)
                {
                    var spec = specs.FirstOrDefault(s => s.Short == arg[j]) ?? throw new UsageException($"no such option: -{arg[j]}");
                    if (!spec.TakesValue)
                    {
                        options.Add((spec, null));
                        continue;
                    }
                    options.Add((spec, j + 1 < arg.Length ? arg[(j + 1)..] : i + 1 < args.Count ? args[++i] : throw Missing(spec, arg[j])));
                    break;
                }
            }
        }
        return new ParsedArguments(options, positionals);
    }

    private OptionSpec FindLong(string name)
    {
        if (name.Length == 0)
        {
            throw new UsageException("no such option: --");
        }
        var exact = specs.FirstOrDefault(s => s.Long == name);
        if (exact is not null)
        {
            return exact;
        }
        var candidates = specs.Where(s => s.Long is not null && s.Long.StartsWith(name, StringComparison.Ordinal)).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new UsageException($"no such option: --{name}"),
            _ => throw new UsageException($"ambiguous option: --{name} ({string.Join(", ", candidates.Select(c => c.Name))}?)"),
        };
    }

    private static UsageException Missing(OptionSpec spec, char? typed = null) =>
        new($"option {(typed is { } c ? "-" + c : spec.Name)} requires a value");
}
