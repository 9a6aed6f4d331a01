using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

/// <summary>
/// <c>llmRequestCosts</c> (AIGatewayRoute) and <c>globalLLMRequestCosts</c> (GatewayConfig): a metadataKey and a
/// token type or a CEL expression per entry.
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
                // Compiled (and checked) by Management's RateLimitCompiler, which reports errors at the cel field.
                if (string.IsNullOrWhiteSpace(cel))
                {
                    cost.Diagnostics.Error(cost.LocationOf("cel"), $"metadataKey '{key}': type CEL needs a cel expression, for example \"input_tokens + output_tokens * 4u\"");
                }

                costs.Add(new LlmRequestCostConfig(key, type, cel, cost.LocationOf("cel")));
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
