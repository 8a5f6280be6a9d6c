using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>The Dockerfiles under docker/, checked for form (no Docker engine here or in CI: they must be right by construction).</summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Dockerfiles() => [.. DeployFiles.Dockerfiles()];

    [Fact]
    public void Dockerfiles_UnderDocker_ApplianceRightHostAndDemoTools()
    {
        Assert.Equal(["docker/Dockerfile", "docker/demo/Dockerfile", "docker/right/Dockerfile"], DeployFiles.Dockerfiles());
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Form_DockerfileInItsBuildContext_NoProblems(string dockerfile)
    {
        var text = DockerfileText.Read(Path.Combine(DeployFiles.Root, dockerfile));

        var problems = DockerfileChecks.CheckForm(text, DeployFiles.ContextOf(dockerfile));

        Assert.Empty(problems);
        Assert.NotEmpty(text.Stages);
    }

    [Fact]
    public void Appliance_FinalStage_NonRootHealthcheckExposeVolume()
    {
        var text = DockerfileText.Read(DeployFiles.ApplianceDockerfile);

        Assert.Empty(DockerfileChecks.CheckAppliance(text));
    }

    [Fact]
    public void Appliance_Context_RepositoryRootInCompose()
    {
        var target = ComposeFile.Read(DeployFiles.Compose).BuildTargets().Single(t => t.Dockerfile == DeployFiles.ApplianceDockerfile);

        Assert.Equal(Path.TrimEndingDirectorySeparator(DeployFiles.Root), target.Context);
        Assert.True(File.Exists(Path.Combine(DeployFiles.Root, ".dockerignore")));
    }

    [Fact]
    public void Appliance_Stages_SdkBuildsAspNetRuns()
    {
        var text = DockerfileText.Read(DeployFiles.ApplianceDockerfile);

        var build = Assert.Single(text.Stages, s => s.Name == "build");
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", build.Image);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", text.FinalStage!.Image);
        var runs = string.Join('\n', build.All("RUN").Select(r => r.Arguments));
        Assert.Contains("dotnet publish src/Psync.Web -c Release -o /out/web", runs, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Psync.Agent -c Release -r linux-x64 -p:PublishAot=true -o /out/agent", runs, StringComparison.Ordinal);
    }

    [Fact]
    public void Appliance_Environment_PointsAtCopiedAgentAndDataVolume()
    {
        var final = DockerfileText.Read(DeployFiles.ApplianceDockerfile).FinalStage!;
        var environment = final.All("ENV").SelectMany(e => DockerfileText.Words(e.Arguments)).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p.ElementAtOrDefault(1));
        var copies = final.All("COPY").Select(c => DockerfileText.Words(c.Arguments)).ToList();

        Assert.Equal("/data", environment["PSYNC_DATA"]);
        Assert.Equal("8080", environment["ASPNETCORE_HTTP_PORTS"]);
        // The NativeAOT agent (with cinotify beside it) is what the build stage published to /out/agent.
        Assert.Equal("/app/agent/psync-agent", environment["PSYNC_AGENT"]);
        Assert.Contains(copies, c => c is ["--from=build", "/out/agent", "/app/agent"]);
        Assert.Contains(copies, c => c is ["--from=build", "/out/web", "/app/web"]);
        Assert.Contains("8080", DockerfileChecks.ExposedPorts(DockerfileText.Read(DeployFiles.ApplianceDockerfile)));
        Assert.Equal("[\"dotnet\", \"/app/web/Psync.Web.dll\"]", final.All("ENTRYPOINT").Single().Arguments);
    }
}
