using Sluice.Configuration.Parsing;
using Sluice.Configuration.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Configuration.Loading;

/// <summary>Splits one file's text into its YAML documents, each as a located <see cref="ConfigNode"/>.</summary>
internal static class YamlDocumentReader
{
    public static IReadOnlyList<ConfigNode> Read(string file, string text, DiagnosticBag diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            diagnostics.Error(new ConfigLocation(file, (int)ex.Start.Line, null, null), $"invalid YAML: {Describe(ex)}");
            return [];
        }

        var documents = new List<ConfigNode>(stream.Documents.Count);
        foreach (var document in stream.Documents)
        {
            var root = document.RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue; // an empty document, e.g. a trailing '---'
            }

            var location = new ConfigLocation(file, (int)root.Start.Line, null, null);
            if (root is not YamlMappingNode)
            {
                diagnostics.Error(location, "a YAML document must be a Kubernetes-style resource (an object with apiVersion and kind)");
                continue;
            }

            documents.Add(new ConfigNode(root, string.Empty, location, diagnostics));
        }

        return documents;
    }

    private static string Describe(YamlException ex)
    {
        // YamlDotNet prefixes messages with "(Line: .., Col: .., Idx: ..) - (Line..): "; keep only the reason.
        var message = ex.InnerException?.Message ?? ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }
}
