using System.Net;
using System.Net.Http.Json;
using Psync.Web.Hosts;
using Renci.SshNet;
using Renci.SshNet.Security;

namespace Psync.Web.Tests.Api;

/// <summary>A host whose key has a passphrase: entered once, stored encrypted, and a remote pair syncs with it.</summary>
public sealed class PassphraseHostTests(RemoteAppFactory app, SshdFixture sshd) : IClassFixture<RemoteAppFactory>, IClassFixture<SshdFixture>
{
    [AgentFact]
    public async Task EncryptedKey_PassphraseGivenOnce_TestShowsTheHostAndAPairSyncsWithNoDecryptedKeyOnDisk()
    {
        var request = new { name = "encrypted", address = "127.0.0.1", port = sshd.Port, user = Environment.UserName, privateKey = await File.ReadAllTextAsync(sshd.EncryptedKey), passphrase = SshdFixture.Passphrase };
        using var created = await app.Client.PostAsJsonAsync("/api/v1/hosts", request);
        var host = await created.ReadAsync<HostResource>(HttpStatusCode.Created);
        Assert.True(host.HasPassphrase);
        Assert.True((await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/trust", new { fingerprint = sshd.HostKeyFingerprint })).Trusted);

        var test = await app.Client.PostOkAsync<HostTestResult>($"/api/v1/hosts/{host.Id}/test");

        Assert.True(test.Trusted, test.Message);
        Assert.Equal(("Linux", "x86_64", true), (test.Facts!.Os, test.Facts.Machine, test.Facts.Inotify));
        Assert.Matches(@"^\d+\.\d+\.\d+", test.Facts.RsyncVersion);
        Assert.StartsWith("linux-x64, version ", test.Agent, StringComparison.Ordinal);

        var left = app.NewFolder("encrypted-left");
        var right = Directory.CreateDirectory(Path.Combine(sshd.Home, "encrypted-right")).FullName;
        await File.WriteAllTextAsync(Path.Combine(right, "from-right.txt"), "right");
        using var create = await app.Client.PostAsJsonAsync("/api/v1/pairs", new { name = "encrypted-key", leftRoot = left, rightRoot = right, hostId = host.Id });
        var pair = await create.ReadAsync<Psync.Web.Pairs.PairResource>(HttpStatusCode.Created);
        await app.Client.WaitForStateAsync(pair.Id, "idle");
        await File.WriteAllTextAsync(Path.Combine(left, "from-left.txt"), "left");

        await PairsApi.WaitForFileAsync(Path.Combine(right, "from-left.txt"), "left");
        await PairsApi.WaitForFileAsync(Path.Combine(left, "from-right.txt"), "right");
        // Neither the passphrase nor the decrypted key is anywhere in the data folder; what run/ holds is the owner's alone.
        using var key = new PrivateKeyFile(sshd.EncryptedKey, SshdFixture.Passphrase);
        var seed = ((ED25519Key)key.Key).PrivateKey;
        var files = Directory.GetFiles(app.DataDir, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(files, f => File.ReadAllBytes(f).AsSpan().IndexOf(seed) >= 0);
        Assert.DoesNotContain(SshdFixture.Passphrase, Database.FilesText(app.Database), StringComparison.Ordinal);
        Assert.All(Directory.GetFiles(Path.Combine(app.DataDir, "run")), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    [Theory]
    [InlineData(null, "This key is protected by a passphrase: enter it.")]
    [InlineData("wrong", "The passphrase does not open this key.")]
    public async Task CreateHost_EncryptedKeyWithoutTheRightPassphrase_400OnThePassphraseField(string? passphrase, string message)
    {
        var request = new { name = "locked", address = "127.0.0.1", port = sshd.Port, user = Environment.UserName, privateKey = await File.ReadAllTextAsync(sshd.EncryptedKey), passphrase };

        using var response = await app.Client.PostAsJsonAsync("/api/v1/hosts", request);

        var errors = await Problem.AssertValidationAsync(response, "passphrase");
        Assert.Equal([message], errors.Errors["passphrase"]);
    }
}
