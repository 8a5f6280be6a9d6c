using System.Runtime.InteropServices;
using System.Text;

namespace Psync.Cli;

/// <summary>
/// Asks the controlling terminal for a secret, as ssh asks for a passphrase: echo is off before the
/// prompt is shown, so nothing typed ahead or pasted early appears on the screen. (Console.ReadKey
/// turns echo off only while each call waits, so what arrived in between was echoed.)
/// </summary>
internal static class Terminal
{
    // struct termios on Linux (glibc and musl, x86-64 and arm64): four 32-bit flag words, then the line and control characters.
    private const int TermiosBytes = 256;
    private const int LocalFlagsOffset = 12;
    private const uint Echo = 0x8;
    private const int TcsaNow = 0;
    private const int TcsaFlush = 2;

    /// <summary>
    /// The line typed after <paramref name="prompt"/>, or null when there is no controlling terminal.
    /// Cancelling (Ctrl-C) gives the terminal back its echo and throws.
    /// </summary>
    public static async Task<string?> ReadSecretAsync(string prompt, CancellationToken cancel)
    {
        FileStream tty;
        try
        {
            tty = new FileStream(File.OpenHandle("/dev/tty", FileMode.Open, FileAccess.ReadWrite), FileAccess.ReadWrite, bufferSize: 0);
        }
        catch (IOException)
        {
            return null;
        }
        using (tty)
        {
            var fd = (int)tty.SafeFileHandle.DangerousGetHandle();
            var saved = new byte[TermiosBytes];
            if (tcgetattr(fd, saved) != 0)
            {
                return null;
            }
            var quiet = (byte[])saved.Clone();
            var local = BitConverter.ToUInt32(quiet, LocalFlagsOffset) & ~Echo;
            BitConverter.TryWriteBytes(quiet.AsSpan(LocalFlagsOffset), local);
            // TCSAFLUSH drops what was typed before the prompt: it was typed with echo on.
            if (tcsetattr(fd, TcsaFlush, quiet) != 0)
            {
                return null;
            }
            try
            {
                tty.Write(Encoding.UTF8.GetBytes(prompt));
                // A blocking read of the terminal cannot be cancelled; on Ctrl-C the thread is left to the process's exit.
                var line = Task.Factory.StartNew(() => ReadLine(tty), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                return await line.WaitAsync(cancel).ConfigureAwait(false);
            }
            finally
            {
                tcsetattr(fd, TcsaNow, saved);
                tty.Write("\n"u8);
            }
        }
    }

    private static string ReadLine(FileStream tty)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (tty.Read(one) == 1 && one[0] != (byte)'\n')
        {
            bytes.Add(one[0]);
        }
        return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int when, byte[] termios);
}
