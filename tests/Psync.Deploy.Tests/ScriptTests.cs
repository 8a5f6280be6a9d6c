using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>The shell scripts of docker/ and scripts/: a shebang, executable, and parsed by their shell (sh -n, bash -n).</summary>
public sealed class ScriptTests
{
    public static TheoryData<string> Scripts() => [.. DeployFiles.ShellScripts()];

    [Fact]
    public void Scripts_Found_IncludeTheDemoOnes()
    {
        Assert.Subset(DeployFiles.ShellScripts().ToHashSet(), new HashSet<string> { "docker/right/entrypoint.sh", "docker/demo/keys.sh", "docker/demo/setup.sh", "scripts/test.sh" });
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Check_Script_NoProblems(string script)
    {
        Assert.Empty(await ShellScripts.CheckAsync(Path.Combine(DeployFiles.Root, script)));
    }

    [Fact]
    public void Setup_TrustsHostKeyUnseen_SaysDemoOnly()
    {
        var setup = File.ReadAllText(Path.Combine(DeployFiles.DockerDirectory, "demo", "setup.sh"));
        var readme = File.ReadAllText(Path.Combine(DeployFiles.DockerDirectory, "README.md"));

        Assert.Contains("\nset -eu\n", setup, StringComparison.Ordinal);
        Assert.Contains("DEMO ONLY", setup, StringComparison.Ordinal);
        Assert.Contains("for this demo only", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BrokenScripts_Reported()
    {
        var dir = Directory.CreateTempSubdirectory("psync-deploy-tests-");
        try
        {
            string Write(string name, string text, bool executable = true)
            {
                var path = Path.Combine(dir.FullName, name);
                File.WriteAllText(path, text);
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | (executable ? UnixFileMode.UserExecute : 0));
                return path;
            }

            var syntax = await ShellScripts.CheckAsync(Write("syntax.sh", "#!/bin/sh\nif true; then\n  echo x\n"));
            var bashism = await ShellScripts.CheckAsync(Write("bash.sh", "#!/usr/bin/env bash\nfor x in (; do :; done\n"));
            var noShebang = await ShellScripts.CheckAsync(Write("plain.sh", "echo hi\n"));
            var notExecutable = await ShellScripts.CheckAsync(Write("mode.sh", "#!/bin/sh\necho hi\n", executable: false));
            var missing = await ShellScripts.CheckAsync(Path.Combine(dir.FullName, "missing.sh"));

            Assert.Contains("sh -n", Assert.Single(syntax), StringComparison.Ordinal);
            Assert.Contains("bash -n", Assert.Single(bashism), StringComparison.Ordinal);
            Assert.Contains("does not start with #!", Assert.Single(noShebang), StringComparison.Ordinal);
            Assert.Contains("is not executable", Assert.Single(notExecutable), StringComparison.Ordinal);
            Assert.Contains("does not exist", Assert.Single(missing), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
