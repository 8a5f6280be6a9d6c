using Xunit.Abstractions;
using Xunit.Sdk;

namespace Psync.Agent.Tests.Launchers;

/// <summary>
/// A fact of a test class written once for every launcher (<c>SomeTests&lt;TLauncher&gt;</c>, with one
/// sealed variant per launcher). It is discovered only in the variants whose launcher is in
/// <see cref="Under"/>: by default the full-speed ones; the qemu variant runs the few tests marked for it.
/// </summary>
[XunitTestCaseDiscoverer("Psync.Agent.Tests.Launchers.AgentFactDiscoverer", "Psync.Agent.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class AgentFactAttribute : FactAttribute
{
    public Launch Under { get; set; } = Launch.FullSpeed;
}

/// <summary>The theory counterpart of <see cref="AgentFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Psync.Agent.Tests.Launchers.AgentTheoryDiscoverer", "Psync.Agent.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class AgentTheoryAttribute : TheoryAttribute
{
    public Launch Under { get; set; } = Launch.FullSpeed;
}

public sealed class AgentFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        LauncherFilter.Runs(testMethod, factAttribute) ? base.Discover(discoveryOptions, testMethod, factAttribute) : [];
}

public sealed class AgentTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        LauncherFilter.Runs(testMethod, theoryAttribute) ? base.Discover(discoveryOptions, testMethod, theoryAttribute) : [];
}

internal static class LauncherFilter
{
    /// <summary>Whether the launcher of the test's class (its <see cref="IAgentLauncher"/> type argument) is one the attribute asks for.</summary>
    public static bool Runs(ITestMethod testMethod, IAttributeInfo attribute) =>
        LauncherOf(testMethod.TestClass.Class.ToRuntimeType()) is not { } launch
        || attribute.GetNamedArgument<Launch>(nameof(AgentFactAttribute.Under)).HasFlag(launch);

    private static Launch? LauncherOf(Type? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            var launcher = type.IsGenericType ? type.GetGenericArguments().FirstOrDefault(typeof(IAgentLauncher).IsAssignableFrom) : null;
            if (launcher is not null)
            {
                return ((IAgentLauncher)Activator.CreateInstance(launcher)!).Kind;
            }
        }
        return null;
    }
}
