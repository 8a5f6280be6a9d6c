using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Psync.Agent.Tests.Launchers;
using Psync.Tests;

namespace Psync.Agent.Tests;

/// <summary>
/// psync-agent --serve-rsync: the socket where the agent starts rsync's remote end for the engine
/// (the transfers through it are tested with a real sshd in the engine's RsyncStreamTests).
/// </summary>
public sealed class RsyncServerTests : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly string _root = Directory.CreateTempSubdirectory("psync-rsync-server-").FullName;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Socket_IsPrivateAnswersAProbeAndGoesWithTheAgent()
    {
        // Arrange
        string socket;
        await using (var agent = Start())
        {
            var hello = await agent.HelloAsync(Deadline);
            socket = Assert.IsType<string>(hello.RsyncSocket);

            // Act
            var answer = await SendAsync(socket, []);

            // Assert
            Assert.Equal([0], answer);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
        }
        Assert.False(Directory.Exists(Path.GetDirectoryName(socket)), "the socket's folder outlived the agent");
    }

    [Fact]
    public async Task AnythingButRsyncServer_IsRefusedAndNotRun()
    {
        // Arrange
        await using var agent = Start();
        var socket = (await agent.HelloAsync(Deadline)).RsyncSocket!;
        var marker = Path.Combine(_root, "ran");

        // Act
        var answer = await SendAsync(socket, ["touch", marker]);
        var asShellArgument = await SendAsync(socket, ["sh", "-c", $"touch {marker}"]);
        var otherProgramAsServer = await SendAsync(socket, ["touch", "--server", marker]);

        // Assert: the connection closes without the ready byte, and nothing ran.
        Assert.Equal(([], [], []), (answer, asShellArgument, otherProgramAsServer));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task RsyncServer_RunsWithTheConnectionAsItsStdio()
    {
        // Arrange
        await using var agent = Start();
        var socket = (await agent.HelloAsync(Deadline)).RsyncSocket!;

        // Act: the command rsync would send; rsync's first bytes are its protocol version.
        using var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await connection.SendAsync(Header(["rsync", "--server", "--sender", "-r", ".", "."]));
        var received = await ReceiveAsync(connection, 5);

        // Assert: ready, then a 4-byte little-endian protocol version from rsync.
        Assert.Equal(5, received.Length);
        Assert.Equal(0, received[0]);
        Assert.InRange(BitConverter.ToInt32(received, 1), 27, 40);
    }

    [Fact]
    public async Task StderrConnection_CarriesWhatRsyncSaysThere()
    {
        // Arrange
        await using var agent = Start();
        var socket = (await agent.HelloAsync(Deadline)).RsyncSocket!;
        using var errors = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        // Act: the command first (either may come first), one rsync refuses at once, on its standard error.
        var ready = SendAsync(socket, ["psync-stderr=0123abcd", "rsync", "--server", "--no-such-option"]);
        await errors.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await errors.SendAsync(Header(["psync-stderr", "0123abcd"]));
        var said = Encoding.UTF8.GetString(await ReceiveAsync(errors, 4096));

        // Assert
        Assert.Equal([0], await ready);
        Assert.Contains("no-such-option", said);
    }

    private Psync.Engine.Agents.AgentConnection Start() =>
        AgentProcess.Start(new ProcessStartInfo(RepoFiles.PublishedAgent(), ["--root", _root, "--serve-rsync"]), null, null, TimeSpan.FromSeconds(2));

    /// <summary>Sends a command and reads until the agent closes the connection (or a byte arrives).</summary>
    private static async Task<byte[]> SendAsync(string socket, string[] command)
    {
        using var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket));
        await connection.SendAsync(Header(command));
        return await ReceiveAsync(connection, 1);
    }

    private static async Task<byte[]> ReceiveAsync(Socket connection, int count)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var buffer = new byte[count];
        var length = 0;
        while (length < count)
        {
            var read = await connection.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        return buffer[..length];
    }

    private static byte[] Header(string[] command) =>
        [.. command.SelectMany(word => Encoding.UTF8.GetBytes(word).Append((byte)0)), 0];
}
