using System.Globalization;
using Psync.Engine.Conflicts;
using Psync.Engine.Sync;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>`psync conflicts [sync options] SRC DST`: lists the pair's recorded conflicts (the same options find the same data folder).</summary>
internal static class ConflictsCommand
{
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var parsed = CommandLine.Parse(args);
        switch (parsed.Action)
        {
            case CliAction.Help or CliAction.Version:
                await Console.Out.WriteAsync(HelpText.Text);
                return ExitCodes.Ok;
            case CliAction.UsageError:
                return ExitCodes.UsageError(Console.Error, parsed.Error!);
        }
        await Console.Out.WriteAsync(List(parsed.Options!.DataDir));
        return ExitCodes.Ok;
    }

    /// <summary>One line per conflict, unresolved first, then a summary line.</summary>
    public static string List(string dataDir)
    {
        if (!File.Exists(Path.Combine(dataDir, ConflictStore.FileName)))
        {
            return "no conflicts recorded for this pair\n";
        }
        using var store = ConflictStore.Open(dataDir);
        var all = store.All();
        var text = new System.Text.StringBuilder();
        foreach (var c in all.OrderBy(c => c.Resolved).ThenBy(c => c.Id))
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.Id,4} {c.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {(c.Resolved ? "resolved  " : "unresolved")} {PathCodec.Display(c.Path)}: the {c.Loser.Name()} version is {PathCodec.Display(c.ConflictCopy)}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"{all.Count(c => !c.Resolved)} unresolved, {all.Count(c => c.Resolved)} resolved\n");
        return text.ToString();
    }
}
