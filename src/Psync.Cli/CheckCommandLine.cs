using Psync.Engine.Check;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>What `psync check [options] SRC DST` was told.</summary>
internal sealed record CheckCliOptions(string Left, string Right, CheckOptions Compare);

/// <summary>Parses the arguments after `psync check`.</summary>
internal static class CheckCommandLine
{
    public static readonly OptionSpec Help = CommandLine.Help;
    public static readonly OptionSpec Checksum = new('c', "checksum", false);
    public static readonly OptionSpec Excludes = CommandLine.Excludes;
    public static readonly OptionSpec Tempfiles = CommandLine.Tempfiles;
    public static readonly OptionSpec RsyncExcludes = CommandLine.RsyncExcludes;
    public static readonly OptionSpec Agent = CommandLine.Agent;
    public static readonly OptionSpec Xattrs = CommandLine.Xattrs;
    public static readonly OptionSpec Acls = CommandLine.Acls;

    private static readonly OptionParser Parser = new([Help, Checksum, Excludes, Tempfiles, RsyncExcludes, Agent, Xattrs, Acls]);

    public static ParseResult<CheckCliOptions> Parse(IReadOnlyList<string> args, CliEnvironment? env = null)
    {
        env ??= CliEnvironment.Current;
        try
        {
            var parsed = Parser.Parse(args);
            if (parsed.Options.Any(o => o.Option == Help))
            {
                return new(CliAction.Help);
            }
            var options = new CheckOptions();
            var excludes = new List<string>();
            var tempfiles = new List<string>();
            foreach (var (option, value) in parsed.Options)
            {
                var v = value ?? "";
                if (option == Checksum)
                {
                    options = options with { Checksum = true };
                }
                else if (option == Excludes)
                {
                    excludes.Add(OptionValues.Regex(option, v));
                }
                else if (option == Tempfiles)
                {
                    tempfiles.Add(OptionValues.Regex(option, v));
                }
                else if (option == RsyncExcludes)
                {
                    excludes.Add(RsyncGlob.ToRegex(v));
                }
                else if (option == Xattrs || option == Acls)
                {
                    options = options with { Xattrs = options.Xattrs | (option == Xattrs ? XattrScope.Xattrs : XattrScope.Acls) };
                }
                else if (option == Agent)
                {
                    options = options with { AgentPath = env.Absolute(OptionValues.NotEmpty(option, v)) };
                }
            }
            if (parsed.Positionals.Count != 2)
            {
                throw new UsageException(parsed.Positionals.Count < 2 ? "check: missing SRC or DST" : $"check: too many arguments: '{parsed.Positionals[2]}'");
            }
            if (parsed.Positionals.Any(p => p.Length == 0))
            {
                throw new UsageException("check: SRC and DST must not be empty");
            }
            options = options with { Excludes = excludes, Tempfiles = tempfiles };
            return ParseResult<CheckCliOptions>.Run(new CheckCliOptions(env.Absolute(parsed.Positionals[0]), env.Absolute(parsed.Positionals[1]), options));
        }
        catch (UsageException e)
        {
            return ParseResult<CheckCliOptions>.Fail(e.Message);
        }
    }
}
