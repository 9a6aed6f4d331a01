using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Configuration.Parsing;

/// <summary>
/// Sluice's per-client model allow-lists: the <c>sluice.io/allowed-models</c> annotation of a SecurityPolicy, whose
/// value is YAML. An annotation keeps the resource valid for Envoy Gateway and Kubernetes, which ignore it.
/// Diagnostics inside the value carry the config file's own line numbers.
/// </summary>
internal static class AllowedModelsParser
{
    public const string Annotation = "sluice.io/allowed-models";

    public const string AllModels = "*";

    public static AllowedModelsConfig? Parse(ResourceMeta meta, ConfigNode metadata, DiagnosticBag diagnostics)
    {
        if (metadata.Mapping("annotations") is null)
        {
            return null;
        }

        AllowedModelsConfig? result = null;
        foreach (var (name, value, node) in metadata.StringMap("annotations"))
        {
            var location = meta.Location.WithField($"metadata.annotations[{name}]", node.Line);
            if (name == Annotation)
            {
                result = ParseValue(value, (YamlScalarNode)node.Node, location, diagnostics);
            }
            else if (name.StartsWith("sluice.io/", StringComparison.Ordinal))
            {
                diagnostics.Warning(location, $"unknown Sluice annotation (known: {Annotation}); it is ignored");
            }
        }

        return result;
    }

    private static AllowedModelsConfig? ParseValue(string value, YamlScalarNode scalar, ConfigLocation location, DiagnosticBag diagnostics)
    {
        // A block scalar's text starts on the line after its indicator.
        var firstLine = location.Line + (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded ? 1 : 0);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(value));
        }
        catch (YamlException ex)
        {
            diagnostics.Error(location with { Line = firstLine + (int)ex.Start.Line - 1 }, $"is not valid YAML: {ex.Message}");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode rootNode)
        {
            diagnostics.Error(location, "must be YAML with clientIDs, jwtClaim and/or default, e.g. \"clientIDs: {team-a: [gpt-4o-mini]}\"");
            return null;
        }

        var inner = new DiagnosticBag();
        var root = new ConfigNode(rootNode, location.FieldPath!, location with { FieldPath = null }, inner);
        var byClientId = new List<(string, IReadOnlyList<string>, ConfigLocation)>();
        var clientIds = root.Mapping("clientIDs");
        if (clientIds is not null)
        {
            foreach (var (key, list) in Entries(clientIds))
            {
                byClientId.Add((key, Models(list), Remap(list.Location, firstLine)));
            }
        }

        string? claimName = null;
        var byClaimValue = new List<(string, IReadOnlyList<string>)>();
        var claim = root.Mapping("jwtClaim");
        if (claim is not null)
        {
            claimName = claim.String("name", required: true);
            if (claim.Mapping("values") is { } values)
            {
                foreach (var (key, list) in Entries(values))
                {
                    byClaimValue.Add((key, Models(list)));
                }

                values.WarnUnread();
            }
            else
            {
                claim.Diagnostics.Error(claim.LocationOf("values"), "is required: the models for each value of the claim, e.g. {researchers: [gpt-4o]}");
            }

            claim.WarnUnread();
        }

        IReadOnlyList<string>? defaultModels = null;
        if (root.Child("default", markConsumed: false) is { } defaultNode)
        {
            root.Child("default");
            defaultModels = Models(defaultNode);
        }

        root.WarnUnread();
        foreach (var diagnostic in inner.Items)
        {
            var remapped = Remap(diagnostic.Location, firstLine);
            switch (diagnostic.Severity)
            {
                case DiagnosticSeverity.Error:
                    diagnostics.Error(remapped, diagnostic.Message);
                    break;
                case DiagnosticSeverity.Warning:
                    diagnostics.Warning(remapped, diagnostic.Message);
                    break;
                default:
                    diagnostics.Info(remapped, diagnostic.Message);
                    break;
            }
        }

        return new AllowedModelsConfig(
            byClientId,
            claimName,
            byClaimValue,
            defaultModels,
            location,
            clientIds is null ? null : Remap(clientIds.Location, firstLine),
            claim is null ? null : Remap(claim.Location, firstLine));
    }

    /// <summary>The entries of a mapping of names to model lists, each with its own node.</summary>
    private static List<(string Key, ConfigNode List)> Entries(ConfigNode mapping)
    {
        var entries = new List<(string, ConfigNode)>();
        foreach (var pair in ((YamlMappingNode)mapping.Node).Children)
        {
            var key = (pair.Key as YamlScalarNode)?.Value ?? string.Empty;
            entries.Add((key, new ConfigNode(pair.Value, $"{mapping.Path}.{key}", mapping.Resource, mapping.Diagnostics)));
            mapping.Child(key); // read: not "unsupported"
        }

        return entries;
    }

    private static List<string> Models(ConfigNode list)
    {
        var models = new List<string>();
        if (list.Node is not YamlSequenceNode sequence)
        {
            list.Error("must be a list of model names (or [\"*\"] for every model, [] for none)");
            return models;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = new ConfigNode(sequence.Children[i], $"{list.Path}[{i}]", list.Resource, list.Diagnostics);
            if (item.ScalarValue is { Length: > 0 } model)
            {
                models.Add(model);
            }
            else
            {
                item.Error("must be a model name");
            }
        }

        return models;
    }

    private static ConfigLocation Remap(ConfigLocation inner, int firstLine) => inner with { Line = firstLine + inner.Line - 1 };
}
