using Psync.Engine.Check;
using Psync.Protocol;

namespace Psync.Cli;

/// <summary>`psync check [options] SRC DST`: compares two trees and prints what differs.</summary>
internal static class CheckCommand
{
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var parsed = CheckCommandLine.Parse(args);
        switch (parsed.Action)
        {
            case CliAction.Help:
                await Console.Out.WriteAsync(HelpText.Text);
                return ExitCodes.Ok;
            case CliAction.UsageError:
                ExitCodes.UsageError(Console.Error, parsed.Error!);
                return ExitCodes.CheckError;
        }
        var options = parsed.Options!;
        using var interrupts = new Interrupts(Console.Error);
        CheckReport report;
        try
        {
            report = await TreeComparer.CompareAsync(options.Left, options.Right, options.Compare, interrupts.Token);
        }
        catch (Exception e) when ((e is OperationCanceledException or CheckException) && interrupts.Token.IsCancellationRequested)
        {
            // Ctrl-C reaches the agents too, so a scan may fail rather than be cancelled.
            return ExitCodes.Interrupted;
        }
        catch (CheckException e)
        {
            await Console.Error.WriteLineAsync($"psync check: {e.Message}");
            return ExitCodes.CheckError;
        }
        Print(report, Console.Out);
        return report.Identical ? ExitCodes.CheckIdentical : ExitCodes.CheckDifferent;
    }

    public static void Print(CheckReport report, TextWriter output)
    {
        foreach (var d in report.Differences)
        {
            output.WriteLine($"{Label(d.Kind),-10} {PathCodec.Display(d.Path)}  ({d.Detail})");
        }
        output.WriteLine(report.Identical
            ? $"identical: {report.LeftCount} entries on each side"
            : $"{report.Differences.Count} {(report.Differences.Count == 1 ? "difference" : "differences")}: {report.LeftCount} entries on the left, {report.RightCount} on the right");
    }

    public static string Label(DifferenceKind kind) => kind switch
    {
        DifferenceKind.OnlyLeft => "only-left",
        DifferenceKind.OnlyRight => "only-right",
        DifferenceKind.KindDiffers => "kind",
        DifferenceKind.SizeDiffers => "size",
        DifferenceKind.MtimeDiffers => "mtime",
        DifferenceKind.ModeDiffers => "mode",
        DifferenceKind.TargetDiffers => "target",
        DifferenceKind.OwnerDiffers => "owner",
        DifferenceKind.XattrsDiffer => "xattrs",
        DifferenceKind.ContentDiffers => "content",
        _ => "unreadable",
    };
}
