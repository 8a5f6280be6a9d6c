using System.Text.RegularExpressions;
using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>
/// scripts/publish-agent.sh is the one way to build what is uploaded to right hosts: every runtime,
/// NativeAOT, each result checked static; no other script or Dockerfile publishes the agent itself.
/// </summary>
public sealed class PublishAgentTests
{
    private static IReadOnlyList<string> ScriptCommands =>
        ShellScripts.Commands(File.ReadAllText(Path.Combine(DeployFiles.Root, DeployFiles.PublishAgentScript)));

    [Fact]
    public void Script_EveryRuntime_PublishedNativeAotIntoItsFolder()
    {
        var publish = Assert.Single(DeployFiles.AgentPublishes(DeployFiles.PublishAgentScript));

        Assert.Contains("set -euo pipefail", ScriptCommands);
        Assert.Contains("for rid in linux-x64 linux-arm64; do", ScriptCommands);
        Assert.Contains("-r \"$rid\"", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishAot=true", publish, StringComparison.Ordinal);
        Assert.Contains("-o \"$out/$rid\"", publish, StringComparison.Ordinal);
        // Callers' extra arguments (the Dockerfile's SourceRevisionId) reach dotnet publish.
        Assert.EndsWith("\"$@\"", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_EveryProgram_CheckedStaticallyLinked()
    {
        var commands = ScriptCommands;

        Assert.Contains("for file in \"$out/$rid/psync-agent\" \"$out/$rid/cinotify\" \"$out/$rid/psync-rsync-stream\"; do", commands);
        var check = Assert.Single(commands, c => c.StartsWith("if ! file -b \"$file\" | grep ", StringComparison.Ordinal));
        Assert.Contains("exit 1", commands);
        // What file(1) says of the static-pie agent and of the static C programs passes; a dynamic program does not.
        var pattern = new Regex(Regex.Match(check, @"grep -Eq '(?<pattern>[^']+)'").Groups["pattern"].Value);
        Assert.Matches(pattern, "ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), static-pie linked, for GNU/Linux 3.2.0, stripped");
        Assert.Matches(pattern, "ELF 64-bit LSB executable, ARM aarch64, version 1 (SYSV), statically linked, for GNU/Linux 3.7.0, stripped");
        Assert.DoesNotMatch(pattern, "ELF 64-bit LSB pie executable, x86-64, version 1 (SYSV), dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2, for GNU/Linux 3.2.0, stripped");
    }

    [Fact]
    public void Agent_ScriptsAndDockerfiles_OnlyPublishAgentShPublishesIt()
    {
        var files = DeployFiles.ShellScripts().Concat(DeployFiles.Dockerfiles()).ToList();

        var others = files.Where(f => f != DeployFiles.PublishAgentScript).SelectMany(f => DeployFiles.AgentPublishes(f).Select(c => $"{f}: {c}"));

        Assert.Empty(others);
        Assert.Contains(DeployFiles.PublishAgentScript, files);
        Assert.Contains("docker/Dockerfile", files);
    }

    [Theory]
    [InlineData("dotnet publish src/Psync.Agent -c Release -r linux-x64 -p:PublishAot=true -o /out/agent", true)]
    [InlineData("RUN dotnet restore src/Psync.Web && dotnet publish \"$root/src/Psync.Agent/Psync.Agent.csproj\" -c Release", true)]
    [InlineData("dotnet publish src/Psync.Web -c Release -o /out/web", false)]
    [InlineData("dotnet restore src/Psync.Agent -r linux-arm64 -p:PublishAot=true", false)]
    [InlineData("dotnet publish src/Psync.Web -o /out/web && make -C src/Psync.Agent", false)]
    [InlineData("scripts/publish-agent.sh /out/agent", false)]
    public void PublishesAgent_Command_DotnetPublishOfTheAgentProject(string command, bool expected)
    {
        Assert.Equal(expected, DeployFiles.PublishesAgent(command));
    }
}
