using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>The Dockerfile parser and checks on made-up input: each check reports what it exists to catch.</summary>
public sealed class DockerfileCheckTests
{
    private const string Good = """
        # syntax=docker/dockerfile:1
        FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
        WORKDIR /src
        COPY global.json Directory.Build.props ./
        COPY src/Psync.Web/Psync.Web.csproj src/Psync.Web/
        RUN dotnet restore src/Psync.Web \
         # a comment inside the continuation is dropped
         && dotnet publish src/Psync.Web -o /out
        FROM mcr.microsoft.com/dotnet/aspnet:10.0
        COPY --from=build /out /app
        EXPOSE 8080
        VOLUME /data
        USER 10001:10001
        HEALTHCHECK --interval=30s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
        ENTRYPOINT ["dotnet", "/app/Psync.Web.dll"]
        """;

    private static BuildContext RepoContext => BuildContext.For(DeployFiles.ApplianceDockerfile, DeployFiles.Root);

    private static IReadOnlyList<string> Form(string dockerfile) => DockerfileChecks.CheckForm(DockerfileText.Parse(dockerfile), RepoContext);

    [Fact]
    public void Parse_ContinuationsCommentsAndStages_LogicalInstructions()
    {
        var text = DockerfileText.Parse(Good);

        Assert.Equal(["FROM", "WORKDIR", "COPY", "COPY", "RUN", "FROM", "COPY", "EXPOSE", "VOLUME", "USER", "HEALTHCHECK", "ENTRYPOINT"], text.Instructions.Select(i => i.Keyword));
        var run = text.Instructions.Single(i => i.Keyword == "RUN");
        Assert.Equal(6, run.Line);
        Assert.Equal("dotnet restore src/Psync.Web   && dotnet publish src/Psync.Web -o /out", run.Arguments);
        Assert.Equal([("build", "mcr.microsoft.com/dotnet/sdk:10.0"), (null, "mcr.microsoft.com/dotnet/aspnet:10.0")], text.Stages.Select(s => (s.Name, s.Image)));
        Assert.Equal(9, text.Stages[1].Line);
        Assert.Empty(text.Problems);
    }

    [Fact]
    public void Parse_Heredoc_BodyIsNotInstructions()
    {
        var text = DockerfileText.Parse("FROM debian\nRUN <<EOF\nset -e\nCOPPY not an instruction\nEOF\nUSER 1000\n");

        Assert.Equal(["FROM", "RUN", "USER"], text.Instructions.Select(i => i.Keyword));
        Assert.Equal("set -e\nCOPPY not an instruction\n", text.Instructions[1].Heredocs.Single());
    }

    [Fact]
    public void Parse_TrailingBackslashAtEnd_Reported()
    {
        Assert.Contains(DockerfileText.Parse("FROM debian\nRUN true \\\n").Problems, p => p.Contains("no line follows", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckForm_GoodDockerfile_NoProblems()
    {
        Assert.Empty(Form(Good));
        Assert.Empty(DockerfileChecks.CheckAppliance(DockerfileText.Parse(Good)));
    }

    [Fact]
    public void CheckForm_UnknownInstruction_Reported()
    {
        var problem = Assert.Single(Form(Good.Replace("WORKDIR /src", "WORKDIRR /src", StringComparison.Ordinal)));

        Assert.Equal("line 3: WORKDIRR is not a Dockerfile instruction", problem);
    }

    [Fact]
    public void CheckForm_MissingCopySource_Reported()
    {
        var problem = Assert.Single(Form(Good.Replace("src/Psync.Web/Psync.Web.csproj", "src/Psync.Web/Psync.Nope.csproj", StringComparison.Ordinal)));

        Assert.Contains("the source src/Psync.Web/Psync.Nope.csproj does not exist", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckForm_CopySourceLeftOutByDockerignore_Reported()
    {
        var problem = Assert.Single(Form(Good.Replace("global.json Directory.Build.props", "global.json tests/Shared/RepoFiles.cs", StringComparison.Ordinal)));

        Assert.Contains("tests/Shared/RepoFiles.cs is left out of the build context by .dockerignore", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckForm_CopySourceOutsideContext_Reported()
    {
        Assert.Contains(Form(Good.Replace("global.json Directory", "../global.json Directory", StringComparison.Ordinal)), p => p.Contains("outside the build context", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckForm_CopyWildcardMatchingNothing_Reported()
    {
        Assert.Contains(Form(Good.Replace("global.json Directory", "*.nothing Directory", StringComparison.Ordinal)), p => p.Contains("matches nothing", StringComparison.Ordinal));
        Assert.Empty(Form(Good.Replace("global.json Directory", "*.json Directory", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--from=biuld")]
    [InlineData("--from=1")]
    public void CheckForm_CopyFromNoEarlierStage_Reported(string from)
    {
        var problem = Assert.Single(Form(Good.Replace("--from=build", from, StringComparison.Ordinal)));

        Assert.Contains($"{from} names no earlier stage", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckForm_CopyFromEarlierStageByIndex_Accepted()
    {
        Assert.Empty(Form(Good.Replace("--from=build", "--from=0", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ENTRYPOINT [\"dotnet\", '/app/Psync.Web.dll']")]
    [InlineData("ENTRYPOINT [\"dotnet\" \"/app/Psync.Web.dll\"]")]
    [InlineData("ENTRYPOINT [\"dotnet\", 1]")]
    [InlineData("ENTRYPOINT []")]
    public void CheckForm_ExecFormNotJsonStrings_Reported(string entrypoint)
    {
        var problem = Assert.Single(Form(Good.Replace("ENTRYPOINT [\"dotnet\", \"/app/Psync.Web.dll\"]", entrypoint, StringComparison.Ordinal)));

        Assert.Contains("ENTRYPOINT in exec form is not a non-empty JSON array of strings", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckForm_EntrypointScriptNotCopied_Reported()
    {
        const string Image = "FROM debian\nCOPY --chmod=0755 scripts/run.sh /usr/local/bin/\nENTRYPOINT [\"/usr/local/bin/run.sh\"]\n";

        Assert.Empty(Form(Image));
        Assert.Equal(["line 3: the ENTRYPOINT /usr/local/bin/start.sh is not a file the final stage copies in"], Form(Image.Replace("bin/run.sh\"", "bin/start.sh\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void CheckForm_UnknownFlag_Reported()
    {
        Assert.Contains(Form(Good.Replace("--from=build", "--from=build --chmode=0755", StringComparison.Ordinal)), p => p.Contains("COPY has no flag --chmode", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckForm_InstructionBeforeFrom_Reported()
    {
        Assert.Contains(Form("RUN true\n" + Good), p => p.Contains("RUN before the first FROM", StringComparison.Ordinal));
        Assert.Empty(Form("ARG VERSION=1\n" + Good));
    }

    [Theory]
    [InlineData("USER 10001:10001", "USER root", "runs as root")]
    [InlineData("USER 10001:10001", "USER 0:0", "runs as root")]
    [InlineData("USER 10001:10001\n", "", "has no USER")]
    [InlineData("HEALTHCHECK --interval=30s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1", "HEALTHCHECK NONE", "no HEALTHCHECK on /healthz")]
    [InlineData("EXPOSE 8080", "", "EXPOSEs no port")]
    [InlineData("VOLUME /data", "VOLUME /var/lib/psync", "no VOLUME /data")]
    public void CheckAppliance_FinalStageLacking_Reported(string remove, string replacement, string expected)
    {
        var problems = DockerfileChecks.CheckAppliance(DockerfileText.Parse(Good.Replace(remove, replacement, StringComparison.Ordinal)));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckRuns_ShellSyntaxError_Reported()
    {
        Assert.Empty(await DockerfileChecks.CheckRunsAsync(DockerfileText.Parse(Good)));
        Assert.Empty(await DockerfileChecks.CheckRunsAsync(DockerfileText.Parse("FROM debian\nRUN <<EOF\nset -e\necho ok\nEOF\nRUN [\"echo\", \"if\"]\n")));

        var problems = await DockerfileChecks.CheckRunsAsync(DockerfileText.Parse("FROM debian\nRUN if true; then \\\n echo x\nRUN <<EOF\ncase x in\nEOF\n"));

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("line 2: sh -n failed", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("line 4: sh -n failed", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void AptPackages_InstallInRuns_PackagesWithoutOptions()
    {
        var stage = DockerfileText.Parse("""
            FROM debian
            RUN apt-get update \
             && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
                  clang lld \
             && rm -rf /var/lib/apt/lists/*
            RUN apt-get -q install -y file && apt install jq; echo apt-get install not-a-package
            """).Stages.Single();

        Assert.Equal(["clang", "file", "jq", "lld"], DockerfileChecks.AptPackages(stage).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("src/Psync.Web/bin/Release/x.dll", true)]
    [InlineData("bin", true)]
    [InlineData("native/build/linux-x64/cinotify", true)]
    [InlineData("native/build/linux-arm64/cinotify", true)]
    [InlineData("artifacts/agent/linux-x64/psync-agent", true)]
    [InlineData("native/Native.targets", false)]
    [InlineData("native/Makefile", false)]
    [InlineData("scripts/publish-agent.sh", false)]
    [InlineData("tests", true)]
    [InlineData("src/Psync.Web/Program.cs", false)]
    [InlineData("docs/screenshots/dashboard.png", true)]
    [InlineData("README.md", false)]
    public void DockerIgnore_RepositoryRules_ExcludeBuildOutputsOnly(string path, bool excluded)
    {
        var ignore = DockerIgnore.For(DeployFiles.ApplianceDockerfile, DeployFiles.Root);

        Assert.Equal(excluded, ignore.Excludes(path));
    }

    [Fact]
    public void DockerIgnore_ExceptionAfterRule_TakesPathBackIn()
    {
        var ignore = new DockerIgnore("# comment\n*.md\n!README.md\n**/obj\n");

        Assert.True(ignore.Excludes("CHANGES.md"));
        Assert.False(ignore.Excludes("README.md"));
        Assert.True(ignore.Excludes("src/a/obj/x.json"));
        Assert.False(ignore.Excludes("docs/a.md"));
    }
}
