using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>docker/README.md: the repository paths it names exist, and it gives both ways to start the demo.</summary>
public sealed class ReadmeTests
{
    private static string Readme => Path.Combine(DeployFiles.DockerDirectory, "README.md");

    [Fact]
    public void Paths_InCode_Exist()
    {
        var markdown = File.ReadAllText(Readme);

        Assert.Empty(ReadmePaths.Missing(markdown, DeployFiles.DockerDirectory, DeployFiles.Root));
        Assert.Superset(new HashSet<string> { "docker/Dockerfile", "docker/compose.yml", "demo/setup.sh" }, ReadmePaths.Candidates(markdown).ToHashSet());
    }

    [Fact]
    public void Commands_Demo_BothWaysToStartAndToTry()
    {
        var markdown = File.ReadAllText(Readme);

        Assert.Contains("docker compose -f docker/compose.yml up", markdown, StringComparison.Ordinal);
        Assert.Contains("cd docker && docker compose up", markdown, StringComparison.Ordinal);
        Assert.Contains("docker build -f docker/Dockerfile", markdown, StringComparison.Ordinal);
        Assert.Contains("https://localhost:8443", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("psync-demo`", markdown, StringComparison.Ordinal);
        Assert.Contains("docker compose exec psync sh -c 'echo hi > /srv/left/hello.txt'", markdown, StringComparison.Ordinal);
        Assert.Contains("docker compose exec right ls /srv/right", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_PathThatDoesNotExist_Reported()
    {
        const string Markdown = """
            Run `docker/compose.yml` or `right/Dockerfile`, not `docker/composer.yml`:

            ```sh
            docker compose -f docker/compose.yml up
            cat demo/nothing.sh /srv/left/hello.txt http://localhost:8080/x psync-data:/data
            ```
            """;

        var missing = ReadmePaths.Missing(Markdown, DeployFiles.DockerDirectory, DeployFiles.Root);

        Assert.Equal(["demo/nothing.sh", "docker/composer.yml"], missing.Select(m => m.Split(' ')[0]).Order(StringComparer.Ordinal));
    }
}
