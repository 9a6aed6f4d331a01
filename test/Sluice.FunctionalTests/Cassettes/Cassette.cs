using YamlDotNet.RepresentationModel;

namespace Sluice.Cassettes;

/// <summary>One recorded exchange (go-vcr cassette format) from ../shared/reference/envoy-ai-gateway/cassettes.</summary>
internal sealed record Cassette(string Name, string Path, string RequestBody, int Status, IReadOnlyDictionary<string, string> ResponseHeaders, string ResponseBody)
{
    public bool IsEventStream => ResponseHeaders.TryGetValue("Content-Type", out var type) && type.StartsWith("text/event-stream", StringComparison.Ordinal);

    public static Cassette Load(string file)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(file))
        {
            stream.Load(reader);
        }

        var interaction = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["interactions"]).Children[0];
        var request = (YamlMappingNode)interaction["request"];
        var response = (YamlMappingNode)interaction["response"];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (response.Children.TryGetValue(new YamlScalarNode("headers"), out var headerNode))
        {
            foreach (var (key, value) in ((YamlMappingNode)headerNode).Children)
            {
                headers[((YamlScalarNode)key).Value!] = ((YamlScalarNode)((YamlSequenceNode)value).Children[0]).Value!;
            }
        }

        return new Cassette(
            System.IO.Path.GetFileNameWithoutExtension(file),
            new Uri(Scalar(request, "url")).AbsolutePath,
            Scalar(request, "body"),
            int.Parse(Scalar(response, "code"), System.Globalization.CultureInfo.InvariantCulture),
            headers,
            Scalar(response, "body"));
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value ?? string.Empty;
}
