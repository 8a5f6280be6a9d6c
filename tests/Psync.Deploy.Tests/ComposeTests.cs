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
    public void Services_Demo_KeysRightPsyncSetup()
    {
        var compose = ComposeFile.Read(DeployFiles.Compose);

        Assert.Equal(["keys", "right", "psync", "setup"], compose.Services.Keys);
        Assert.All(compose.BuildTargets(), t => Assert.True(File.Exists(t.Dockerfile), t.Dockerfile));
        Assert.Equal(4, compose.BuildTargets().Count);
    }
}
