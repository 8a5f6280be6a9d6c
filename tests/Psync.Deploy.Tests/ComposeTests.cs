using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>docker/compose.yml, read with YamlDotNet and checked for form.</summary>
public sealed class ComposeTests
{
    [Fact]
    public void Check_DemoCompose_NoProblems()
    {
        Assert.Empty(ComposeChecks.Check(File.ReadAllText(DeployFiles.Compose), DeployFiles.DockerDirectory));
    }

    [Fact]
    public void CheckAppliance_PsyncService_HealthzDataVolumePort()
    {
        var compose = ComposeFile.Read(DeployFiles.Compose);

        Assert.Empty(ComposeChecks.CheckAppliance(compose, DeployFiles.ApplianceDockerfile));
        Assert.Equal("psync", compose.BuildTargets().Single(t => t.Dockerfile == DeployFiles.ApplianceDockerfile).Service);
    }

    [Fact]
    public void Demo_AdminPassword_RandomFromASecretNeverAKnownOne()
    {
        var text = File.ReadAllText(DeployFiles.Compose);
        var keys = File.ReadAllText(Path.Combine(DeployFiles.DockerDirectory, "demo", "keys.sh"));
        var setup = File.ReadAllText(Path.Combine(DeployFiles.DockerDirectory, "demo", "setup.sh"));

        Assert.DoesNotContain("psync-demo}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("psync-demo", setup, StringComparison.Ordinal);
        Assert.Contains("PSYNC_ADMIN_PASSWORD_FILE: /secrets/admin-password", text, StringComparison.Ordinal);
        Assert.Contains("/dev/urandom", keys, StringComparison.Ordinal);
        Assert.Contains("with the password $admin_password", setup, StringComparison.Ordinal);
    }

    [Fact]
    public void Appliance_Https_PortAndHealthCheck()
    {
        var text = File.ReadAllText(DeployFiles.Compose);

        Assert.Contains("- \"8443:8443\"", text, StringComparison.Ordinal);
        Assert.Contains("https://127.0.0.1:8443/healthz", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Services_Demo_KeysRightPsyncSetup()
    {
        var compose = ComposeFile.Read(DeployFiles.Compose);

        Assert.Equal(["keys", "right", "psync", "setup"], compose.Services.Keys);
        Assert.All(compose.BuildTargets(), t => Assert.True(File.Exists(t.Dockerfile), t.Dockerfile));
        Assert.Equal(4, compose.BuildTargets().Count);
    }
}
