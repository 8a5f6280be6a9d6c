
namespace Psync.Web.Tests.Api;

/// <summary>
/// A test that needs the published NativeAOT agent (<see cref="RepoFiles.PublishedAgent"/>). Skipped
/// when it was not published, unless PSYNC_AGENT or CI is set: then it runs, and fails when the agent is missing.
/// </summary>
public sealed class AgentFactAttribute : FactAttribute
{
    public AgentFactAttribute()
    {
        if (PublishedAgent is null && !Required)
        {
            Skip = "the static agents are not published (scripts/publish-agent.sh, or scripts/test.sh)";
        }
    }

    /// <summary>The published agent, or null.</summary>
    public static string? PublishedAgent
    {
        get
        {
            try
            {
                return RepoFiles.PublishedAgent();
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }

    private static bool Required =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PSYNC_AGENT")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
}
