using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

/// <summary>
/// <c>llmRequestCosts</c> (AIGatewayRoute) and <c>globalLLMRequestCosts</c> (GatewayConfig): a metadataKey and a
/// token type per entry. CEL entries are an error until a maintained .NET CEL library is available.
/// </summary>
internal static class LlmRequestCostParser
{
    public static readonly string[] TokenTypes = ["InputToken", "CachedInputToken", "CacheCreationInputToken", "OutputToken", "ReasoningToken", "TotalToken"];

    public static IReadOnlyList<LlmRequestCostConfig> Parse(ConfigNode spec, string field, string? defaultType)
    {
        var costs = new List<LlmRequestCostConfig>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cost in spec.Items(field))
        {
            var key = cost.String("metadataKey", required: true);
            var type = defaultType is null ? cost.String("type", required: true) : cost.String("type") ?? defaultType;
            var cel = cost.String("cel");
            cost.WarnUnread();
            if (key is null || type is null)
            {
                continue;
            }

            if (!keys.Add(key))
            {
                cost.Diagnostics.Error(cost.LocationOf("metadataKey"), $"metadataKey '{key}' is defined twice");
                continue;
            }

            if (type == "CEL")
            {
                cost.Diagnostics.Error(cost.LocationOf("cel"), $"metadataKey '{key}': CEL cost expressions need a CEL library that is not available to Sluice yet; use a token type ({string.Join(", ", TokenTypes)})");
                costs.Add(new LlmRequestCostConfig(key, type, cel, cost.Location)); // kept so rate limits naming it report nothing more
                continue;
            }

            if (Array.IndexOf(TokenTypes, type) < 0)
            {
                cost.Diagnostics.Error(cost.LocationOf("type"), $"'{type}' must be one of {string.Join(", ", TokenTypes)} or CEL");
                continue;
            }

            if (cel is not null)
            {
                cost.Diagnostics.Error(cost.LocationOf("cel"), $"metadataKey '{key}': cel is only read when type is CEL");
                continue;
            }

            costs.Add(new LlmRequestCostConfig(key, type, null, cost.Location));
        }

        return costs;
    }
}
