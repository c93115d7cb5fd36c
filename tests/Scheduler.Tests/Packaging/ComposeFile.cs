using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Scheduler.Tests.Packaging;

/// <summary>The parts of docker-compose.yml the packaging tests check, read with YamlDotNet's representation model.</summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(IReadOnlyDictionary<string, ComposeService> services, string text)
    {
        Services = services;
        Text = text;
    }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    public string Text { get; }

    public static ComposeFile Load(string path)
    {
        var text = File.ReadAllText(path);
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException($"{path}: expected one YAML document with a mapping at its root.");
        }

        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(root, "services", path).Children)
        {
            var name = Scalar(key, path);
            services[name] = ReadService(name, value as YamlMappingNode ?? throw new FormatException($"{path}: services.{name} is not a mapping."), path);
        }

        return new ComposeFile(services, text);
    }

    /// <summary>Replaces compose's <c>${VAR:-default}</c> / <c>${VAR-default}</c> with the default, and <c>$$</c> with <c>$</c>.</summary>
    public static string Interpolate(string value) =>
        Interpolation().Replace(value, m => m.Value == "$$" ? "$" : m.Groups["default"].Value);

    private static ComposeService ReadService(string name, YamlMappingNode node, string path)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (TryGet(node, "environment") is { } env)
        {
            switch (env)
            {
                case YamlMappingNode map:
                    foreach (var (k, v) in map.Children)
                    {
                        environment[Scalar(k, path)] = Interpolate(Scalar(v, path));
                    }

                    break;
                case YamlSequenceNode list:
                    foreach (var item in list.Children)
                    {
                        var entry = Scalar(item, path);
                        var eq = entry.IndexOf('=', StringComparison.Ordinal);
                        environment[eq < 0 ? entry : entry[..eq]] = eq < 0 ? string.Empty : Interpolate(entry[(eq + 1)..]);
                    }

                    break;
                default:
                    throw new FormatException($"{path}: services.{name}.environment is neither a mapping nor a list.");
            }
        }

        var ports = new List<(int Host, int Container, string? HostIp)>();
        if (TryGet(node, "ports") is YamlSequenceNode portList)
        {
            foreach (var item in portList.Children)
            {
                var spec = Interpolate(Scalar(item, path));
                var parts = spec.Split(':');
                if (parts.Length < 2)
                {
                    throw new FormatException($"{path}: services.{name}.ports '{spec}': expected HOST:CONTAINER.");
                }

                // HOST_IP:HOST:CONTAINER or HOST:CONTAINER (then compose publishes on every interface).
                ports.Add((int.Parse(parts[^2], CultureInfo.InvariantCulture), int.Parse(parts[^1].Split('/')[0], CultureInfo.InvariantCulture),
                    parts.Length > 2 ? string.Join(':', parts[..^2]) : null));
            }
        }

        string? context = null, dockerfile = null;
        switch (TryGet(node, "build"))
        {
            case YamlScalarNode s:
                context = s.Value;
                break;
            case YamlMappingNode b:
                context = TryGet(b, "context") is YamlScalarNode c ? c.Value : ".";
                dockerfile = TryGet(b, "dockerfile") is YamlScalarNode d ? d.Value : "Dockerfile";
                break;
        }

        List<string>? healthcheck = null;
        if (TryGet(node, "healthcheck") is YamlMappingNode hc && TryGet(hc, "test") is { } test)
        {
            healthcheck = test switch
            {
                YamlSequenceNode seq => seq.Children.Select(n => Scalar(n, path)).ToList(),
                YamlScalarNode s => ["CMD-SHELL", s.Value ?? string.Empty],
                _ => null,
            };
        }

        var dependsOn = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (TryGet(node, "depends_on"))
        {
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    dependsOn[Scalar(item, path)] = null;
                }

                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    dependsOn[Scalar(k, path)] = v is YamlMappingNode m && TryGet(m, "condition") is YamlScalarNode cond ? cond.Value : null;
                }

                break;
        }

        var volumes = TryGet(node, "volumes") is YamlSequenceNode vols
            ? vols.Children.OfType<YamlScalarNode>().Select(v => v.Value ?? string.Empty).ToList()
            : [];

        return new ComposeService(
            name,
            TryGet(node, "image") is YamlScalarNode image ? image.Value : null,
            context,
            dockerfile,
            environment,
            ports,
            healthcheck,
            dependsOn,
            volumes);
    }

    private static YamlMappingNode Mapping(YamlMappingNode node, string key, string path) =>
        TryGet(node, key) as YamlMappingNode ?? throw new FormatException($"{path}: '{key}' is missing or not a mapping.");

    private static YamlNode? TryGet(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlNode node, string path) =>
        node is YamlScalarNode s ? s.Value ?? string.Empty : throw new FormatException($"{path}: expected a scalar at {node.Start}.");

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?<default>[^}]*))?\}")]
    private static partial Regex Interpolation();
}
