using System.Runtime.InteropServices;
using Psync.Agent.Native;

namespace Psync.Agent;

/// <summary>
/// rsync's "remote shell" for a local pair: <c>rsync -e 'psync-agent --rsync-shell DIR' localhost:. …</c>
/// runs rsync's other end on this machine, in DIR, with no shell in between. Run so, the engine's
/// rsync is the receiver and hands its files list to the sender in blocks over the pipe, where a
/// local rsync reads the list one byte per system call (a third of its time for a batch of small files).
/// </summary>
internal static unsafe class RsyncShell
{
    /// <summary>Changes to DIR and becomes <c>rsync --server …</c>; returns only on failure.</summary>
    /// <param name="args">DIR, the host rsync names (ignored), then the command rsync asks for.</param>
    public static int Exec(string[] args)
    {
        if (args.Length < 4 || args[2] != "rsync" || args[3] != "--server")
        {
            Console.Error.WriteLine("usage: psync-agent --rsync-shell DIR HOST rsync --server ...");
            return 2;
        }
        try
        {
            Directory.SetCurrentDirectory(args[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"psync-agent: cannot change to {args[0]}: {e.Message}");
            return 2;
        }
        return ExecVp(args[2..]);
    }

    /// <summary>Becomes <paramref name="command"/> (found on PATH, no shell); returns only on failure.</summary>
    private static int ExecVp(string[] command)
    {
        var strings = command.Select(a => Marshal.StringToCoTaskMemUTF8(a)).ToArray();
        var argv = stackalloc nint[strings.Length + 1];
        for (var i = 0; i < strings.Length; i++)
        {
            argv[i] = strings[i];
        }
        argv[strings.Length] = 0;
        Libc.execvp((byte*)strings[0], (byte**)argv);
        Console.Error.WriteLine($"psync-agent: cannot run {command[0]}: {Libc.Describe(Libc.Errno)}");
        return 127;
    }
}
