using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Psync.Native.Tests;

/// <summary>
/// psync-rsync-stream (native/rsync-stream.c) against a stand-in for the agent's rsync server: the
/// protocol, the relay of all three streams, and the fall back to ssh when nothing answers. The real
/// server and a real rsync over sshd are in Psync.Engine.Tests' RsyncStreamTests.
/// </summary>
public sealed class RsyncStreamProgramTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly string _dir = Directory.CreateTempSubdirectory("psync-stream-").FullName;

    private static string Program => Path.Combine(Psync.Tests.RepoFiles.Root, "native", "build", Psync.Tests.RepoFiles.HostRuntime, "psync-rsync-stream");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AgentAnswers_CommandAndTokenSent_StdinStdoutAndStderrRelayed()
    {
        var path = Path.Combine(_dir, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        var server = Task.Run(async () =>
        {
            // Either connection may come first: the one offered for stderr names the token alone.
            using var first = await listener.AcceptAsync();
            using var second = await listener.AcceptAsync();
            var (a, b) = (await ReadHeaderAsync(first), await ReadHeaderAsync(second));
            var (errors, errorHeader, command, commandHeader) = a[0] == "psync-stderr" ? (first, a, second, b) : (second, b, first, a);
            Assert.Equal(["psync-stderr", errorHeader[1]], errorHeader);
            Assert.Matches("^[0-9a-f]{32}$", errorHeader[1]);
            Assert.Equal([$"psync-stderr={errorHeader[1]}", "rsync", "--server", "-s", "."], commandHeader);
            await command.SendAsync(new byte[] { 0 });
            // An echo of all it is sent, and a line on standard error.
            var received = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await command.ReceiveAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
            await command.SendAsync(received.ToArray());
            await errors.SendAsync("rsync: a message\n"u8.ToArray());
            command.Shutdown(SocketShutdown.Both);
            errors.Shutdown(SocketShutdown.Both);
        });

        var input = new byte[300_000];
        Random.Shared.NextBytes(input);
        var (exit, stdout, stderr) = await RunAsync([path, "1", "false-ssh", "host", "rsync", "--server", "-s", "."], input);

        await server.WaitAsync(Deadline);
        Assert.Equal(0, exit);
        Assert.Equal(input, stdout);
        Assert.Equal("rsync: a message\n", stderr);
    }

    [Fact]
    public async Task NoSocket_RunsTheSshWordsAsRsyncAskedForThem()
    {
        var (exit, stdout, _) = await RunAsync([Path.Combine(_dir, "missing"), "2", "echo", "-n", "host", "rsync", "--server", "-s", "."], []);

        Assert.Equal(0, exit);
        Assert.Equal("host rsync --server -s .", Encoding.UTF8.GetString(stdout));
    }

    [Fact]
    public async Task TooFewWords_Usage()
    {
        var (exit, _, stderr) = await RunAsync([Path.Combine(_dir, "s"), "3", "ssh", "host"], []);

        Assert.Equal(2, exit);
        Assert.StartsWith("usage: psync-rsync-stream", stderr, StringComparison.Ordinal);
    }

    private static async Task<string[]> ReadHeaderAsync(Socket socket)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        // Words end in NUL, the header in an empty word.
        while (!(bytes.Count > 0 && bytes[^1] == 0 && (bytes.Count == 1 || bytes[^2] == 0)))
        {
            Assert.Equal(1, await socket.ReceiveAsync(one));
            bytes.Add(one[0]);
        }
        return Encoding.UTF8.GetString([.. bytes]).Split('\0')[..^2];
    }

    private static async Task<(int Exit, byte[] Stdout, string Stderr)> RunAsync(string[] args, byte[] input)
    {
        var psi = new ProcessStartInfo(Program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = new MemoryStream();
        var reading = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(Deadline);
        await reading;
        return (process.ExitCode, stdout.ToArray(), await errors);
    }
}
