using System.Buffers.Binary;
using System.Text;
using Psync.Engine.Remote;

namespace Psync.Engine.Tests.Remote;

public sealed class KnownHostsTests : IDisposable
{
    private readonly string _dir = RemoteTestFiles.TempDir("psync-knownhosts-");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string StorePath => Path.Combine(_dir, "data", "known_hosts");

    [Fact]
    public void Get_NothingPinned_ReturnsNull()
    {
        var store = new KnownHosts(StorePath);

        Assert.Null(store.Get("host", 22));
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public void Trust_ThenGet_ReturnsKeyAndOpenSshFingerprint()
    {
        var store = new KnownHosts(StorePath);
        var key = Blob("ssh-ed25519", 32);

        store.Trust("Host.Example", 2222, "ssh-ed25519", key);

        var entry = new KnownHosts(StorePath).Get("host.example", 2222);
        Assert.NotNull(entry);
        Assert.Equal("ssh-ed25519", entry.KeyType);
        Assert.Equal(Convert.ToBase64String(key), entry.PublicKey);
        Assert.Equal(HostKeys.Fingerprint(key), entry.Fingerprint);
        Assert.StartsWith("SHA256:", entry.Fingerprint, StringComparison.Ordinal);
        Assert.DoesNotContain('=', entry.Fingerprint);
        Assert.Null(store.Get("host.example", 22));
    }

    [Fact]
    public void Trust_SameHostAndPortAgain_ReplacesTheKey()
    {
        var store = new KnownHosts(StorePath);
        store.Trust("h", 22, "ssh-ed25519", Blob("ssh-ed25519", 32, 1));
        var second = Blob("ssh-ed25519", 32, 2);

        store.Trust("h", 22, "ssh-ed25519", second);

        Assert.Single(store.All());
        Assert.Equal(HostKeys.Fingerprint(second), store.Get("h", 22)!.Fingerprint);
    }

    [Fact]
    public void Trust_KeyTypeNotTheBlobs_Throws()
    {
        var store = new KnownHosts(StorePath);

        var e = Assert.Throws<ArgumentException>(() => store.Trust("h", 22, "ssh-rsa", Blob("ssh-ed25519", 32)));

        Assert.Contains("ssh-ed25519", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forget_Pinned_RemovesOnlyThatHost()
    {
        var store = new KnownHosts(StorePath);
        store.Trust("a", 22, "ssh-ed25519", Blob("ssh-ed25519", 32, 1));
        store.Trust("b", 22, "ssh-ed25519", Blob("ssh-ed25519", 32, 2));

        Assert.True(store.Forget("a", 22));
        Assert.False(store.Forget("a", 22));

        Assert.Null(store.Get("a", 22));
        Assert.NotNull(store.Get("b", 22));
    }

    [Fact]
    public void Load_TamperedFingerprintColumn_ThrowsNamingTheLine()
    {
        var store = new KnownHosts(StorePath);
        store.Trust("a", 22, "ssh-ed25519", Blob("ssh-ed25519", 32));
        File.WriteAllText(StorePath, File.ReadAllText(StorePath).Replace("SHA256:", "SHA256:x", StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => store.Get("a", 22));

        Assert.Contains($"{StorePath}:2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteOpenSshKnownHosts_Ports_UsesBracketsExceptFor22()
    {
        var store = new KnownHosts(StorePath);
        var a = Blob("ssh-ed25519", 32, 1);
        var b = Blob("ssh-rsa", 64, 2);
        var c = Blob("ecdsa-sha2-nistp256", 40, 3);
        store.Trust("plain", 22, "ssh-ed25519", a);
        store.Trust("other", 2222, "ssh-rsa", b);
        store.Trust("[::1]", 2200, "ecdsa-sha2-nistp256", c);
        var path = Path.Combine(_dir, "ssh", "known_hosts");

        store.WriteOpenSshKnownHosts(path);

        Assert.Equal(
            [
                $"plain ssh-ed25519 {Convert.ToBase64String(a)}",
                $"[other]:2222 ssh-rsa {Convert.ToBase64String(b)}",
                $"[::1]:2200 ecdsa-sha2-nistp256 {Convert.ToBase64String(c)}",
            ],
            File.ReadAllLines(path));
    }

    [Theory]
    [InlineData("SHA256:abc", "SHA256:abc")]
    [InlineData("abc=", "SHA256:abc")]
    [InlineData(" sha256:abc== ", "SHA256:abc")]
    public void NormalizeFingerprint_UserInput_MatchesOpenSshForm(string input, string expected)
    {
        Assert.Equal(expected, HostKeys.NormalizeFingerprint(input));
    }

    /// <summary>A syntactically valid public key blob: the type string and some key bytes.</summary>
    private static byte[] Blob(string type, int keyLength, byte fill = 7)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var blob = new byte[4 + typeBytes.Length + 4 + keyLength];
        BinaryPrimitives.WriteUInt32BigEndian(blob, (uint)typeBytes.Length);
        typeBytes.CopyTo(blob, 4);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(4 + typeBytes.Length), (uint)keyLength);
        blob.AsSpan(8 + typeBytes.Length).Fill(fill);
        return blob;
    }
}
