using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Psync.Deploy.Tests.Checks;

/// <summary>Checks of a compose file; each returns the problems found, "service: what", empty when there are none.</summary>
public static partial class ComposeChecks
{
    private static readonly HashSet<string> TopLevelKeys = ["version", "name", "services", "volumes", "networks", "configs", "secrets", "include"];
    private static readonly HashSet<string> Conditions = ["service_started", "service_healthy", "service_completed_successfully"];

    /// <summary>
    /// The compose file's form: services exist, each with an image or a build whose context and
    /// Dockerfile exist; relative bind-mount sources exist; named volumes are declared and declared
    /// ones used; depends_on names other services, with a known condition, service_healthy only on a
    /// service with a health check, and no cycle; ports are well formed, quoted, and EXPOSEd by the
    /// image built for them; a health check test is CMD, CMD-SHELL or NONE; an entrypoint script is
    /// one the service's Dockerfile copies in.
    /// </summary>
    public static IReadOnlyList<string> Check(string text, string directory)
    {
        ComposeFile compose;
        try
        {
            compose = ComposeFile.Parse(text, directory);
        }
        catch (Exception e) when (e is YamlException or FormatException)
        {
            return [$"not a compose file: {e.Message}"];
        }
        return Check(compose);
    }

    public static IReadOnlyList<string> Check(ComposeFile compose)
    {
        var problems = new List<string>();
        foreach (var key in compose.Root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).Where(k => !TopLevelKeys.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal)))
        {
            problems.Add($"{key}: not a top-level key of a compose file");
        }
        if (compose.Services.Count == 0)
        {
            problems.Add("no services");
        }
        var declaredVolumes = ComposeFile.Mapping(compose.Root, "volumes")?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToHashSet(StringComparer.Ordinal) ?? [];
        var usedVolumes = new HashSet<string>(StringComparer.Ordinal);
        var builds = compose.BuildTargets().ToDictionary(t => t.Service, StringComparer.Ordinal);
        foreach (var (name, node) in compose.Services)
        {
            if (node is not YamlMappingNode service)
            {
                problems.Add($"{name}: a service is a mapping");
                continue;
            }
            var dockerfile = builds.TryGetValue(name, out var build) ? CheckBuild(name, build, problems) : null;
            if (build is null && ComposeFile.Scalar(service, "image") is null)
            {
                problems.Add($"{name}: neither image nor build");
            }
            CheckVolumes(compose, name, service, declaredVolumes, usedVolumes, problems);
            CheckDependencies(compose, name, service, problems);
            CheckPorts(name, service, dockerfile, problems);
            CheckHealthcheck(name, service, problems);
            if (dockerfile is not null && ComposeFile.Strings(ComposeFile.Child(service, "entrypoint")) is [var entrypoint, ..]
                && entrypoint.Split(' ')[0] is var program && program.EndsWith(".sh", StringComparison.Ordinal) && !DockerfileChecks.Copies(dockerfile, program))
            {
                problems.Add($"{name}: the entrypoint {program} is not a file its Dockerfile copies in");
            }
        }
        foreach (var unused in declaredVolumes.Except(usedVolumes))
        {
            problems.Add($"volumes: {unused} is declared but no service uses it");
        }
        CheckCycles(compose, problems);
        return problems;
    }

    /// <summary>The appliance's service (the one that builds <paramref name="dockerfile"/>): a health check on /healthz, its data folder /data on a volume, a published port.</summary>
    public static IReadOnlyList<string> CheckAppliance(ComposeFile compose, string dockerfile)
    {
        var target = compose.BuildTargets().FirstOrDefault(t => t.Dockerfile == Path.GetFullPath(dockerfile));
        if (target is null || compose.Services[target.Service] is not YamlMappingNode service)
        {
            return [$"no service builds {dockerfile}"];
        }
        var problems = new List<string>();
        var test = ComposeFile.Strings(ComposeFile.Mapping(service, "healthcheck") is { } h ? ComposeFile.Child(h, "test") : null) ?? [];
        if (!test.Any(t => t.Contains("/healthz", StringComparison.Ordinal)))
        {
            problems.Add($"{target.Service}: no healthcheck on /healthz");
        }
        if (!(ComposeFile.Strings(ComposeFile.Child(service, "volumes")) ?? []).Any(v => v.Split(':') is [_, "/data", ..]))
        {
            problems.Add($"{target.Service}: /data is not on a volume");
        }
        if (ComposeFile.Child(service, "ports") is not YamlSequenceNode { Children.Count: > 0 })
        {
            problems.Add($"{target.Service}: publishes no port");
        }
        return problems;
    }

    /// <summary>A port number, 1 to 65535.</summary>
    public static bool IsPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;

    private static DockerfileText? CheckBuild(string name, BuildTarget build, List<string> problems)
    {
        if (!Directory.Exists(build.Context))
        {
            problems.Add($"{name}: the build context {build.Context} does not exist");
            return null;
        }
        if (!File.Exists(build.Dockerfile))
        {
            problems.Add($"{name}: the Dockerfile {build.Dockerfile} does not exist");
            return null;
        }
        return DockerfileText.Read(build.Dockerfile);
    }

    private static void CheckVolumes(ComposeFile compose, string name, YamlMappingNode service, HashSet<string> declared, HashSet<string> used, List<string> problems)
    {
        if (ComposeFile.Child(service, "volumes") is not YamlSequenceNode volumes)
        {
            return;
        }
        foreach (var volume in volumes.Children)
        {
            string? source, target, type = null;
            switch (volume)
            {
                case YamlScalarNode { Value: { } text }:
                    var parts = text.Split(':');
                    (source, target) = parts.Length == 1 ? (null, parts[0]) : (parts[0], parts[1]);
                    if (parts.Length > 3 || parts.Length == 3 && parts[2].Split(',').Any(m => m is not ("ro" or "rw" or "z" or "Z" or "nocopy" or "consistent" or "cached" or "delegated")))
                    {
                        problems.Add($"{name}: the volume {text} is not SOURCE:TARGET[:MODE]");
                    }
                    break;
                case YamlMappingNode long_:
                    (source, target, type) = (ComposeFile.Scalar(long_, "source"), ComposeFile.Scalar(long_, "target"), ComposeFile.Scalar(long_, "type"));
                    break;
                default:
                    problems.Add($"{name}: a volume is a string or a mapping");
                    continue;
            }
            if (target is null || !target.StartsWith('/'))
            {
                problems.Add($"{name}: the volume target {target} is not an absolute path");
            }
            if (string.IsNullOrEmpty(source) || source.Contains('$', StringComparison.Ordinal) || type == "tmpfs")
            {
                continue;
            }
            if (type == "bind" || source.StartsWith('.') || source.StartsWith('/') || source.StartsWith('~'))
            {
                if (!source.StartsWith('/') && !source.StartsWith('~') && !Path.Exists(Path.Combine(compose.Directory, source)))
                {
                    problems.Add($"{name}: the bind-mount source {source} does not exist next to the compose file");
                }
                continue;
            }
            used.Add(source);
            if (!declared.Contains(source))
            {
                problems.Add($"{name}: the volume {source} is not declared under the top-level volumes");
            }
        }
    }

    private static void CheckDependencies(ComposeFile compose, string name, YamlMappingNode service, List<string> problems)
    {
        foreach (var (dependency, condition) in Dependencies(service))
        {
            if (dependency == name || !compose.Services.TryGetValue(dependency, out var other))
            {
                problems.Add($"{name}: depends_on {dependency}, which is {(dependency == name ? "itself" : "no service")}");
                continue;
            }
            if (condition is null)
            {
                continue;
            }
            if (!Conditions.Contains(condition))
            {
                problems.Add($"{name}: depends_on {dependency} with the unknown condition {condition}");
            }
            else if (condition == "service_healthy" && !HasHealthcheck(compose, dependency, other))
            {
                problems.Add($"{name}: waits for {dependency} to be healthy, but {dependency} has no health check");
            }
        }
    }

    /// <summary>The services named under depends_on (list or mapping), with their condition when given.</summary>
    private static IEnumerable<(string Service, string? Condition)> Dependencies(YamlMappingNode service) => ComposeFile.Child(service, "depends_on") switch
    {
        YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(s => (s.Value ?? "", (string?)null)),
        YamlMappingNode map => map.Children.Select(c => (((YamlScalarNode)c.Key).Value ?? "", c.Value is YamlMappingNode m ? ComposeFile.Scalar(m, "condition") : null)),
        _ => [],
    };

    private static bool HasHealthcheck(ComposeFile compose, string name, YamlNode node)
    {
        if (node is YamlMappingNode service && ComposeFile.Mapping(service, "healthcheck") is { } healthcheck)
        {
            return ComposeFile.Scalar(healthcheck, "disable") != "true" && ComposeFile.Strings(ComposeFile.Child(healthcheck, "test")) is not ["NONE", ..];
        }
        var build = compose.BuildTargets().FirstOrDefault(t => t.Service == name);
        return build is not null && File.Exists(build.Dockerfile)
            && DockerfileText.Read(build.Dockerfile).FinalStage?.All("HEALTHCHECK").LastOrDefault() is { } h && h.Arguments.Trim() != "NONE";
    }

    private static void CheckPorts(string name, YamlMappingNode service, DockerfileText? dockerfile, List<string> problems)
    {
        if (ComposeFile.Child(service, "ports") is not YamlSequenceNode ports)
        {
            return;
        }
        var exposed = dockerfile is null ? null : DockerfileChecks.ExposedPorts(dockerfile);
        foreach (var port in ports.Children)
        {
            string? container;
            if (port is YamlScalarNode { Value: { } text } scalar)
            {
                if (text.Contains('$', StringComparison.Ordinal))
                {
                    continue;
                }
                if (scalar.Style == ScalarStyle.Plain && text.Contains(':', StringComparison.Ordinal))
                {
                    problems.Add($"{name}: quote the port {text} (YAML 1.1 reads some unquoted a:b as a number in base 60)");
                }
                var match = PortSpec().Match(text);
                var numbers = match.Success ? new[] { match.Groups["host"], match.Groups["container"] }.Where(g => g.Success).SelectMany(g => g.Value.Split('-')) : [];
                if (!match.Success || !numbers.All(IsPort))
                {
                    problems.Add($"{name}: the port {text} is not [IP:][HOST:]CONTAINER[/PROTOCOL]");
                    continue;
                }
                container = match.Groups["container"].Value.Split('-')[0];
            }
            else if (port is YamlMappingNode map && ComposeFile.Scalar(map, "target") is { } target && IsPort(target)
                && (ComposeFile.Scalar(map, "published") is not { } published || published.Split('-').All(IsPort)))
            {
                container = target;
            }
            else
            {
                problems.Add($"{name}: a port is \"HOST:CONTAINER\" or a mapping with a target port");
                continue;
            }
            if (exposed is not null && !exposed.Contains(container))
            {
                problems.Add($"{name}: publishes port {container}, which its Dockerfile does not EXPOSE");
            }
        }
    }

    private static void CheckHealthcheck(string name, YamlMappingNode service, List<string> problems)
    {
        if (ComposeFile.Mapping(service, "healthcheck") is not { } healthcheck || ComposeFile.Child(healthcheck, "test") is not { } test)
        {
            return;
        }
        if (test is YamlSequenceNode && ComposeFile.Strings(test) is not (["CMD", _, ..] or ["CMD-SHELL", _] or ["NONE"]))
        {
            problems.Add($"{name}: a healthcheck test list starts with CMD, CMD-SHELL or NONE");
        }
    }

    private static void CheckCycles(ComposeFile compose, List<string> problems)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path, true: done
        bool Visit(string name)
        {
            if (state.TryGetValue(name, out var done))
            {
                return done;
            }
            state[name] = false;
            if (compose.Services.TryGetValue(name, out var node) && node is YamlMappingNode service)
            {
                foreach (var (dependency, _) in Dependencies(service))
                {
                    if (dependency != name && compose.Services.ContainsKey(dependency) && !Visit(dependency))
                    {
                        problems.Add($"{name}: depends_on {dependency} closes a cycle");
                        return state[name] = true;
                    }
                }
            }
            return state[name] = true;
        }
        foreach (var name in compose.Services.Keys)
        {
            Visit(name);
        }
    }

    [GeneratedRegex(@"^(?:(?<ip>\d+\.\d+\.\d+\.\d+|\[[0-9A-Fa-f:]+\]):)?(?:(?<host>\d+(?:-\d+)?):)?(?<container>\d+(?:-\d+)?)(?:/(?:tcp|udp|sctp))?$")]
    private static partial Regex PortSpec();
}
