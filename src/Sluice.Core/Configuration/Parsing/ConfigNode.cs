using System.Globalization;
using Sluice.Configuration.Validation;
using YamlDotNet.RepresentationModel;

namespace Sluice.Configuration.Parsing;

/// <summary>
/// A YAML node that knows where it is (file, line, field path) and reports type errors to the load's
/// <see cref="DiagnosticBag"/> instead of throwing. It remembers which keys were read so fields Sluice does not
/// understand can be reported rather than silently ignored.
/// </summary>
internal sealed class ConfigNode
{
    private readonly HashSet<string>? _consumed;

    public ConfigNode(YamlNode node, string path, ConfigLocation resource, DiagnosticBag diagnostics)
    {
        Node = node;
        Path = path;
        Resource = resource;
        Diagnostics = diagnostics;
        _consumed = node is YamlMappingNode ? new HashSet<string>(StringComparer.Ordinal) : null;
    }

    public YamlNode Node { get; }

    public string Path { get; }

    public ConfigLocation Resource { get; }

    public DiagnosticBag Diagnostics { get; }

    public int Line => (int)Node.Start.Line;

    public ConfigLocation Location => Resource.WithField(Path, Line);

    public bool IsMapping => Node is YamlMappingNode;

    public string? ScalarValue => Node is YamlScalarNode scalar ? scalar.Value : null;

    public ConfigLocation LocationOf(string key) => Child(key, markConsumed: false)?.Location ?? Location.WithField(ChildPath(key), Line);

    public void Error(string message) => Diagnostics.Error(Location, message);

    public void Warning(string message) => Diagnostics.Warning(Location, message);

    public ConfigNode? Child(string key, bool markConsumed = true)
    {
        if (Node is not YamlMappingNode mapping)
        {
            return null;
        }

        if (markConsumed)
        {
            _consumed!.Add(key);
        }

        foreach (var pair in mapping.Children)
        {
            if (pair.Key is YamlScalarNode k && k.Value == key)
            {
                return IsNull(pair.Value) ? null : new ConfigNode(pair.Value, ChildPath(key), Resource, Diagnostics);
            }
        }

        return null;
    }

    public ConfigNode? Mapping(string key)
    {
        var child = Child(key);
        if (child is not null && child.Node is not YamlMappingNode)
        {
            child.Error("must be an object");
            return null;
        }

        return child;
    }

    public string? String(string key, bool required = false)
    {
        var child = Child(key);
        if (child is null)
        {
            if (required)
            {
                Diagnostics.Error(Location.WithField(ChildPath(key), Line), "is required");
            }

            return null;
        }

        if (child.Node is not YamlScalarNode scalar)
        {
            child.Error("must be a string");
            return null;
        }

        if (required && string.IsNullOrEmpty(scalar.Value))
        {
            child.Error("must not be empty");
            return null;
        }

        return scalar.Value;
    }

    public int? Int(string key, int min = int.MinValue, int max = int.MaxValue) => (int?)Long(key, min, max);

    public long? Long(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var child = Child(key);
        if (child is null)
        {
            return null;
        }

        if (child.ScalarValue is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            if (value < min || value > max)
            {
                child.Error($"must be between {min} and {max}, got {value}");
                return null;
            }

            return value;
        }

        child.Error($"must be an integer, got '{child.ScalarValue ?? "an object"}'");
        return null;
    }

    public bool? Bool(string key)
    {
        var child = Child(key);
        switch (child?.ScalarValue)
        {
            case null when child is null:
                return null;
            case "true" or "True":
                return true;
            case "false" or "False":
                return false;
            default:
                child!.Error($"must be true or false, got '{child.ScalarValue ?? "an object"}'");
                return null;
        }
    }

    public TimeSpan? Duration(string key)
    {
        var child = Child(key);
        if (child?.ScalarValue is not { } text)
        {
            return null;
        }

        if (GoDuration.TryParse(text, out var value))
        {
            return value;
        }

        child.Error($"'{text}' is not a duration (examples: 30s, 2m, 1h30m, 500ms)");
        return null;
    }

    public IReadOnlyList<ConfigNode> Items(string key)
    {
        var child = Child(key);
        if (child is null)
        {
            return [];
        }

        if (child.Node is not YamlSequenceNode sequence)
        {
            child.Error("must be a list");
            return [];
        }

        var items = new List<ConfigNode>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            items.Add(new ConfigNode(sequence.Children[i], $"{child.Path}[{i}]", Resource, Diagnostics));
        }

        return items;
    }

    public IReadOnlyList<string> Strings(string key)
    {
        var items = Items(key);
        var values = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item.ScalarValue is { } value)
            {
                values.Add(value);
            }
            else
            {
                item.Error("must be a string");
            }
        }

        return values;
    }

    /// <summary>A map of string keys to string values, such as a Secret's data, with the line of each entry.</summary>
    public IReadOnlyList<(string Key, string Value, ConfigNode Node)> StringMap(string key)
    {
        var child = Mapping(key);
        if (child is null)
        {
            return [];
        }

        var entries = new List<(string, string, ConfigNode)>();
        foreach (var pair in ((YamlMappingNode)child.Node).Children)
        {
            var name = (pair.Key as YamlScalarNode)?.Value ?? string.Empty;
            var node = new ConfigNode(pair.Value, $"{child.Path}.{name}", Resource, Diagnostics);
            if (pair.Value is YamlScalarNode scalar)
            {
                entries.Add((name, scalar.Value ?? string.Empty, node));
            }
            else
            {
                node.Error("must be a string");
            }
        }

        return entries;
    }

    /// <summary>Warns about every key of this mapping that no parser read: Sluice ignores it, and says so.</summary>
    public void WarnUnread()
    {
        if (Node is not YamlMappingNode mapping)
        {
            return;
        }

        foreach (var pair in mapping.Children)
        {
            if (pair.Key is YamlScalarNode { Value: { } k } && !_consumed!.Contains(k))
            {
                Diagnostics.Warning(Resource.WithField(ChildPath(k), (int)pair.Key.Start.Line), "is not supported by Sluice yet and is ignored");
            }
        }
    }

    private string ChildPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.SingleQuoted and not YamlDotNet.Core.ScalarStyle.DoubleQuoted } s
        && (s.Value is null || s.Value.Length == 0 || s.Value == "~" || s.Value == "null");
}
