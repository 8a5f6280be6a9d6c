using System.Runtime.InteropServices;

namespace Psync.Cli;

/// <summary>
/// Ctrl-C and SIGTERM cancel <see cref="Token"/> so the command can stop cleanly; a second Ctrl-C
/// quits at once with code 130.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _term;
    private readonly TextWriter _stderr;
    private int _presses;

    public Interrupts(TextWriter stderr)
    {
        _stderr = stderr;
        Console.CancelKeyPress += OnCancelKeyPress;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop("SIGTERM");
        });
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _term.Dispose();
        _cts.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (Interlocked.Increment(ref _presses) > 1)
        {
            Environment.Exit(ExitCodes.Interrupted);
        }
        e.Cancel = true;
        Stop("interrupted; Ctrl-C again to quit at once");
    }

    private void Stop(string why)
    {
        if (!_cts.IsCancellationRequested)
        {
            _stderr.WriteLine($"psync: stopping ({why})");
            _cts.Cancel();
        }
    }
}
