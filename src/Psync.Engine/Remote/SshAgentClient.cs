using System.Buffers.Binary;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace Psync.Engine.Remote;

/// <summary>
/// Talks to an ssh-agent over its Unix socket (the agent protocol, draft-miller-ssh-agent): lists its
/// keys, asks it to sign, and gives it a key. One short connection per request.
/// </summary>
public sealed class SshAgentClient(string socketPath)
{
    private const byte Failure = 5;
    private const byte Success = 6;
    private const byte RequestIdentities = 11;
    private const byte IdentitiesAnswer = 12;
    private const byte SignRequest = 13;
    private const byte SignResponse = 14;
    private const byte AddIdentity = 17;

    /// <summary>Flag of a sign request: an RSA key signs with SHA-512 (rsa-sha2-512).</summary>
    internal const uint RsaSha512 = 4;

    /// <summary>The agent's socket.</summary>
    public string SocketPath { get; } = socketPath;

    /// <summary>The public keys the agent holds: their SSH wire blobs and comments.</summary>
    /// <exception cref="RemoteException">The agent cannot be reached or answered nonsense.</exception>
    public IReadOnlyList<(byte[] Blob, string Comment)> ListKeys()
    {
        var answer = Request([RequestIdentities]);
        Expect(answer, IdentitiesAnswer, "list its keys");
        var reader = new Reader(answer, 1);
        var count = reader.UInt32();
        var keys = new List<(byte[], string)>();
        for (var i = 0; i < count; i++)
        {
            keys.Add((reader.Bytes(), Encoding.UTF8.GetString(reader.Bytes())));
        }
        return keys;
    }

    /// <summary>Signs <paramref name="data"/> with the key <paramref name="blob"/>; the answer is the SSH signature blob (algorithm name and signature).</summary>
    /// <exception cref="RemoteException">The agent refused (it does not hold that key, or a confirmation was declined).</exception>
    public byte[] Sign(byte[] blob, byte[] data, uint flags)
    {
        var message = new Writer().Byte(SignRequest).Bytes(blob).Bytes(data).UInt32(flags).ToArray();
        var answer = Request(message);
        Expect(answer, SignResponse, "sign");
        return new Reader(answer, 1).Bytes();
    }

    /// <summary>Gives the agent a decrypted private key (ed25519 or RSA), which it then holds in memory only.</summary>
    /// <exception cref="RemoteException">The key type is not supported here, or the agent refused it.</exception>
    public void Add(Key key, string comment)
    {
        var writer = new Writer().Byte(AddIdentity);
        switch (key)
        {
            case ED25519Key ed:
                writer.String("ssh-ed25519").Bytes(ed.PublicKey).Bytes([.. ed.PrivateKey, .. ed.PublicKey]);
                break;
            case RsaKey rsa:
                writer.String("ssh-rsa").MpInt(rsa.Modulus).MpInt(rsa.Exponent).MpInt(rsa.D).MpInt(rsa.InverseQ).MpInt(rsa.P).MpInt(rsa.Q);
                break;
            default:
                throw new RemoteException($"a passphrase-protected {key} key cannot be handed to ssh-agent by Psync: use an ed25519 or RSA key, or add it to your own ssh-agent (--ssh-agent)");
        }
        var answer = Request(writer.String(comment).ToArray());
        Expect(answer, Success, "take the key");
    }

    private byte[] Request(byte[] message)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            socket.ReceiveTimeout = socket.SendTimeout = 30_000;
            using var stream = new NetworkStream(socket);
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)message.Length);
            stream.Write(length);
            stream.Write(message);
            stream.ReadExactly(length);
            var size = BinaryPrimitives.ReadUInt32BigEndian(length);
            if (size is 0 or > 256 * 1024)
            {
                throw new RemoteException($"the ssh-agent at {SocketPath} sent a message of {size} bytes");
            }
            var answer = new byte[size];
            stream.ReadExactly(answer);
            return answer;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            throw new RemoteException($"cannot talk to the ssh-agent at {SocketPath}: {e.Message}", e);
        }
    }

    private void Expect(byte[] answer, byte type, string what)
    {
        if (answer[0] != type)
        {
            throw new RemoteException(answer[0] == Failure
                ? $"the ssh-agent at {SocketPath} refused to {what}"
                : $"the ssh-agent at {SocketPath} answered message {answer[0]} when asked to {what}");
        }
    }

    /// <summary>The key type named at the start of a public key blob (e.g. ssh-ed25519).</summary>
    internal static string KeyType(byte[] blob) => Encoding.ASCII.GetString(new Reader(blob, 0).Bytes());

    private sealed class Writer
    {
        private readonly MemoryStream _buffer = new();

        public Writer Byte(byte value)
        {
            _buffer.WriteByte(value);
            return this;
        }

        public Writer UInt32(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            _buffer.Write(bytes);
            return this;
        }

        public Writer Bytes(ReadOnlySpan<byte> value)
        {
            UInt32((uint)value.Length);
            _buffer.Write(value);
            return this;
        }

        public Writer String(string value) => Bytes(Encoding.UTF8.GetBytes(value));

        /// <summary>RFC 4251 mpint: big-endian two's complement, no needless leading byte.</summary>
        public Writer MpInt(BigInteger value) => Bytes(value.IsZero ? [] : value.ToByteArray(isUnsigned: false, isBigEndian: true));

        public byte[] ToArray() => _buffer.ToArray();
    }

    private sealed class Reader(byte[] data, int offset)
    {
        private int _offset = offset;

        public uint UInt32()
        {
            if (_offset + 4 > data.Length)
            {
                throw new RemoteException("an ssh-agent message ended early");
            }
            var value = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(_offset));
            _offset += 4;
            return value;
        }

        public byte[] Bytes()
        {
            var length = (int)Math.Min(UInt32(), int.MaxValue);
            if (_offset + length > data.Length)
            {
                throw new RemoteException("an ssh-agent message ended early");
            }
            var value = data.AsSpan(_offset, length).ToArray();
            _offset += length;
            return value;
        }
    }
}

/// <summary>SSH.NET's login keys taken from an ssh-agent: the agent signs, the private keys never leave it.</summary>
/// <param name="agent">The agent.</param>
/// <param name="only">A public key blob: offer only this key (the one named by -i); null offers every key the agent holds.</param>
internal sealed class AgentKeySource(SshAgentClient agent, byte[]? only) : IPrivateKeySource
{
    public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms
    {
        get
        {
            var keys = agent.ListKeys().Where(k => only is null || k.Blob.AsSpan().SequenceEqual(only)).ToList();
            if (keys.Count == 0)
            {
                throw new RemoteException(only is null
                    ? $"the ssh-agent at {agent.SocketPath} holds no keys: add one with ssh-add"
                    : $"the ssh-agent at {agent.SocketPath} does not hold the key given with -i: add it with ssh-add");
            }
            return [.. keys.Select(k => SshAgentClient.KeyType(k.Blob) == "ssh-rsa"
                ? new AgentSignedAlgorithm("rsa-sha2-512", k.Blob, agent, SshAgentClient.RsaSha512)
                : new AgentSignedAlgorithm(SshAgentClient.KeyType(k.Blob), k.Blob, agent, 0))];
        }
    }

    private sealed class AgentSignedAlgorithm(string name, byte[] blob, SshAgentClient agent, uint flags) : HostAlgorithm(name)
    {
        public override byte[] Data => blob;

        public override byte[] Sign(byte[] data) => agent.Sign(blob, data, flags);

        // Only the server verifies a login signature.
        public override bool VerifySignature(byte[] data, byte[] signature) => throw new NotSupportedException();
    }
}
