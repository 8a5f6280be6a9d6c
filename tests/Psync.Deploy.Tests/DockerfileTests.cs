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

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public async Task Runs_ShellForm_ParsedBySh(string dockerfile)
    {
        var text = DockerfileText.Read(Path.Combine(DeployFiles.Root, dockerfile));

        Assert.Empty(await DockerfileChecks.CheckRunsAsync(text));
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
    }

    [Fact]
    public void Appliance_BuildStage_AgentsFromPublishAgentScriptOnly()
    {
        var runs = BuildStage().All("RUN").Select(r => r.Arguments).ToList();

        // One way to build the agent: the script, for every runtime, into /out/agent/RID/.
        var publish = Assert.Single(runs, r => r.Contains(DeployFiles.PublishAgentScript, StringComparison.Ordinal));
        Assert.StartsWith("scripts/publish-agent.sh /out/agent ${PSYNC_REVISION:+-p:SourceRevisionId=$PSYNC_REVISION} ", publish, StringComparison.Ordinal);
        Assert.Empty(DeployFiles.AgentPublishes("docker/Dockerfile"));
        // Each runtime's bundle is complete, and the build machine's agent starts.
        Assert.Contains("test -x /out/agent/linux-x64/cinotify", publish, StringComparison.Ordinal);
        Assert.Contains("test -x /out/agent/linux-arm64/cinotify", publish, StringComparison.Ordinal);
        Assert.EndsWith("/out/agent/linux-x64/psync-agent --version", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void Appliance_BuildStage_RestoresAgentForBothRuntimesBeforeTheSources()
    {
        var build = BuildStage();
        var restore = Assert.Single(build.All("RUN"), r => r.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var sources = Assert.Single(build.All("COPY"), c => c.Arguments == ". .");

        Assert.Contains("dotnet restore src/Psync.Agent -r linux-x64 -p:PublishAot=true", restore.Arguments, StringComparison.Ordinal);
        Assert.Contains("dotnet restore src/Psync.Agent -r linux-arm64 -p:PublishAot=true", restore.Arguments, StringComparison.Ordinal);
        // In a layer of its own: a change to the sources does not download the packages again.
        Assert.True(restore.Line < sources.Line, $"the restore (line {restore.Line}) comes after COPY . . (line {sources.Line})");
    }

    [Fact]
    public void Appliance_BuildStage_InstallsStaticAndArm64Toolchain()
    {
        var packages = DockerfileChecks.AptPackages(BuildStage());

        // clang and lld link the static NativeAOT agents; gcc-aarch64-linux-gnu and
        // libc6-dev-arm64-cross build arm64 cinotify and give the arm64 agent its libc; file checks both are static.
        Assert.Subset(packages.ToHashSet(), new HashSet<string> { "clang", "lld", "zlib1g-dev", "make", "gcc", "gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross", "file" });
    }

    [Theory]
    [InlineData(DeployFiles.PublishAgentScript)]
    [InlineData("native/Makefile")]
    [InlineData("native/cinotify.c")]
    [InlineData("native/rsync-stream.c")]
    [InlineData("native/Native.targets")]
    [InlineData("src/Psync.Agent/Psync.Agent.csproj")]
    public void Appliance_Context_HoldsWhatPublishAgentNeeds(string path)
    {
        var context = DeployFiles.ContextOf("docker/Dockerfile");

        Assert.True(File.Exists(Path.Combine(context.Directory, path)), $"{path} is not in {context.Directory}");
        Assert.False(context.Ignore.Excludes(path), $".dockerignore leaves {path} out of the build context");
        Assert.Contains(BuildStage().All("COPY"), c => c.Arguments == ". .");
    }

    [Fact]
    public void Appliance_Environment_PointsAtCopiedAgentFolderAndDataVolume()
    {
        var final = DockerfileText.Read(DeployFiles.ApplianceDockerfile).FinalStage!;
        var environment = final.All("ENV").SelectMany(e => DockerfileText.Words(e.Arguments)).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p.ElementAtOrDefault(1));
        var copies = final.All("COPY").Select(c => DockerfileText.Words(c.Arguments)).ToList();

        Assert.Equal("/data", environment["PSYNC_DATA"]);
        // HTTPS only: the base image's plain-http port is off.
        Assert.Equal("8443", environment["ASPNETCORE_HTTPS_PORTS"]);
        Assert.Equal("", environment["ASPNETCORE_HTTP_PORTS"]);
        // The folder of static bundles (RID/psync-agent and RID/cinotify) the build stage published to
        // /out/agent: the appliance runs its own runtime's and uploads the one a right host needs.
        Assert.Equal("/app/agent", environment["PSYNC_AGENT"]);
        Assert.Contains(copies, c => c is ["--from=build", "/out/agent", var to] && to == environment["PSYNC_AGENT"]);
        Assert.Contains(copies, c => c is ["--from=build", "/out/web", "/app/web"]);
        Assert.Equal(["8443"], DockerfileChecks.ExposedPorts(DockerfileText.Read(DeployFiles.ApplianceDockerfile)));
        Assert.Equal("[\"dotnet\", \"/app/web/Psync.Web.dll\"]", final.All("ENTRYPOINT").Single().Arguments);
    }

    private static Stage BuildStage() => Assert.Single(DockerfileText.Read(DeployFiles.ApplianceDockerfile).Stages, s => s.Name == "build");
}
