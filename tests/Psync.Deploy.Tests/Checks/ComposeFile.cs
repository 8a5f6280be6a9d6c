using YamlDotNet.RepresentationModel;

namespace Psync.Deploy.Tests.Checks;

/// <summary>A service's image build: the context folder and the Dockerfile in it (full paths).</summary>
public sealed record BuildTarget(string Service, string Context, string Dockerfile);

/// <summary>A compose file read with YamlDotNet, with paths resolved against its folder.</summary>
public sealed class ComposeFile
{
    private ComposeFile(string directory, YamlMappingNode root)
    {
        Directory = directory;
        Root = root;
        Services = Mapping(root, "services") is { } services
            ? services.Children.Where(c => c.Key is YamlScalarNode).ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => c.Value, StringComparer.Ordinal)
            : [];
    }

    /// <summary>The folder relative paths start from: the compose file's.</summary>
    public string Directory { get; }

    public YamlMappingNode Root { get; }

    /// <summary>Each service's node by name (a mapping when well formed).</summary>
    public IReadOnlyDictionary<string, YamlNode> Services { get; }

    /// <exception cref="YamlDotNet.Core.YamlException">Not YAML.</exception>
    /// <exception cref="FormatException">Not a mapping at the top.</exception>
    public static ComposeFile Parse(string text, string directory)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return yaml.Documents.Count == 1 && yaml.Documents[0].RootNode is YamlMappingNode root
            ? new ComposeFile(Path.GetFullPath(directory), root)
            : throw new FormatException("a compose file is one YAML mapping");
    }

    public static ComposeFile Read(string path) => Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!);

    /// <summary>The image builds the services declare (context defaults to the compose file's folder, dockerfile to Dockerfile in it).</summary>
    public IReadOnlyList<BuildTarget> BuildTargets()
    {
        var targets = new List<BuildTarget>();
        foreach (var (name, node) in Services)
        {
            if (node is not YamlMappingNode service || Child(service, "build") is not { } build)
            {
                continue;
            }
            var (context, dockerfile) = build switch
            {
                YamlScalarNode s => (s.Value ?? ".", "Dockerfile"),
                YamlMappingNode m => (Scalar(m, "context") ?? ".", Scalar(m, "dockerfile") ?? "Dockerfile"),
                _ => (".", "Dockerfile"),
            };
            var contextPath = Path.GetFullPath(Path.Combine(Directory, context));
            targets.Add(new BuildTarget(name, contextPath, Path.GetFullPath(Path.Combine(contextPath, dockerfile))));
        }
        return targets;
    }

    public static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode? Mapping(YamlMappingNode mapping, string key) => Child(mapping, key) as YamlMappingNode;

    public static string? Scalar(YamlMappingNode mapping, string key) => (Child(mapping, key) as YamlScalarNode)?.Value;

    /// <summary>A list given as a sequence of scalars, or as one string (compose allows both for command, entrypoint and healthcheck tests).</summary>
    public static IReadOnlyList<string>? Strings(YamlNode? node) => node switch
    {
        YamlSequenceNode seq => [.. seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")],
        YamlScalarNode s when s.Value is { } v => [v],
        _ => null,
    };
}
