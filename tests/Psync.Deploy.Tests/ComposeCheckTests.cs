using Psync.Deploy.Tests.Checks;

namespace Psync.Deploy.Tests;

/// <summary>The compose checks on made-up input (resolved against docker/): each reports what it exists to catch.</summary>
public sealed class ComposeCheckTests
{
    private const string Good = """
        name: t
        services:
          right:
            build:
              context: right
          app:
            build:
              context: ..
              dockerfile: docker/Dockerfile
            ports:
              - "8443:8443"
            volumes:
              - data:/data
              - ./demo:/srv/demo:ro
            depends_on:
              right:
                condition: service_started
            healthcheck:
              test: ["CMD", "curl", "-fsSk", "https://127.0.0.1:8443/healthz"]
          setup:
            image: debian:trixie-slim
            depends_on:
              app:
                condition: service_healthy
        volumes:
          data:
        """;

    private static IReadOnlyList<string> Check(string compose) => ComposeChecks.Check(compose, DeployFiles.DockerDirectory);

    private static string Edit(string from, string to) =>
        Good.Contains(from, StringComparison.Ordinal) ? Good.Replace(from, to, StringComparison.Ordinal) : throw new ArgumentException($"'{from}' is not in the sample");

    [Fact]
    public void Check_GoodCompose_NoProblems()
    {
        Assert.Empty(Check(Good));
        Assert.Empty(ComposeChecks.CheckAppliance(ComposeFile.Parse(Good, DeployFiles.DockerDirectory), DeployFiles.ApplianceDockerfile));
    }

    [Theory]
    [InlineData("context: right", "context: left", "the build context")]
    [InlineData("dockerfile: docker/Dockerfile", "dockerfile: docker/Dockerfile.nope", "the Dockerfile")]
    [InlineData("- data:/data", "- state:/data", "the volume state is not declared")]
    [InlineData("- data:/data", "- /var/data:/data", "data is declared but no service uses it")]
    [InlineData("- ./demo:/srv/demo:ro", "- ./demo/nope:/srv/demo:ro", "the bind-mount source ./demo/nope does not exist")]
    [InlineData("- ./demo:/srv/demo:ro", "- ./demo:srv/demo", "not an absolute path")]
    [InlineData("right:\n        condition", "left:\n        condition", "depends_on left, which is no service")]
    [InlineData("condition: service_started", "condition: service_ready", "unknown condition service_ready")]
    [InlineData("- \"8443:8443\"", "- \"8443:84430\"", "is not [IP:][HOST:]CONTAINER")]
    [InlineData("- \"8443:8443\"", "- \"http:8443\"", "is not [IP:][HOST:]CONTAINER")]
    [InlineData("- \"8443:8443\"", "- 8443:8443", "quote the port 8443:8443")]
    [InlineData("- \"8443:8443\"", "- \"8443:5000\"", "publishes port 5000, which its Dockerfile does not EXPOSE")]
    [InlineData("test: [\"CMD\"", "test: [\"CURL\"", "starts with CMD, CMD-SHELL or NONE")]
    [InlineData("image: debian:trixie-slim", "restart: \"no\"", "neither image nor build")]
    [InlineData("volumes:\n  data:", "volume:\n  data:", "volume: not a top-level key")]
    public void Check_Broken_Reported(string from, string to, string expected)
    {
        var problems = Check(Edit(from, to));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_HealthyConditionOnServiceWithoutHealthcheck_Reported()
    {
        var compose = Edit("condition: service_started", "condition: service_healthy");

        Assert.Contains(Check(compose), p => p == "app: waits for right to be healthy, but right has no health check");
    }

    [Fact]
    public void Check_HealthyConditionOnImageWithHealthcheck_Accepted()
    {
        // The appliance's Dockerfile has a HEALTHCHECK of its own.
        var compose = Edit("""
                healthcheck:
                  test: ["CMD", "curl", "-fsSk", "https://127.0.0.1:8443/healthz"]
            """, "");

        Assert.Empty(Check(compose));
    }

    [Fact]
    public void Check_DependencyCycle_Reported()
    {
        var compose = Edit("""
              right:
                build:
                  context: right
            """, """
              right:
                build:
                  context: right
                depends_on: [setup]
            """);

        Assert.Contains(Check(compose), p => p.Contains("closes a cycle", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_EntrypointScriptNotCopied_Reported()
    {
        var compose = Edit("      context: right\n", "      context: right\n    entrypoint: [\"/usr/local/bin/entrypoint2.sh\"]\n");

        Assert.Contains(Check(compose), p => p == "right: the entrypoint /usr/local/bin/entrypoint2.sh is not a file its Dockerfile copies in");
        Assert.Empty(Check(compose.Replace("entrypoint2.sh", "entrypoint.sh", StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_NotYaml_Reported()
    {
        Assert.StartsWith("not a compose file", Assert.Single(Check("services: [a\n")), StringComparison.Ordinal);
        Assert.StartsWith("not a compose file", Assert.Single(Check("- a\n- b\n")), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAppliance_HealthcheckElsewhere_Reported()
    {
        var compose = ComposeFile.Parse(Edit("https://127.0.0.1:8443/healthz", "https://127.0.0.1:8443/"), DeployFiles.DockerDirectory);

        Assert.Equal(["app: no healthcheck on /healthz"], ComposeChecks.CheckAppliance(compose, DeployFiles.ApplianceDockerfile));
    }
}
