using Sluice.Usage;

namespace Sluice.Model;

/// <summary>The token types an llmRequestCosts entry can count (CEL is not computed yet).</summary>
internal enum LlmCostType
{
    InputToken,
    CachedInputToken,
    CacheCreationInputToken,
    OutputToken,
    ReasoningToken,
    TotalToken,
}

/// <summary>
/// A route's effective request costs: its own <c>llmRequestCosts</c> over the GatewayConfig's
/// <c>globalLLMRequestCosts</c> (the route's entry wins for the same metadataKey). Computed once per request at
/// response end from its <see cref="TokenUsage"/>; a rate limit's Metadata cost reads one of them by index.
/// </summary>
internal sealed class RequestCostsModel
{
    public static readonly RequestCostsModel None = new([], []);

    private readonly string[] _keys;
    private readonly LlmCostType[] _types;

    public RequestCostsModel(string[] keys, LlmCostType[] types)
    {
        _keys = keys;
        _types = types;
    }

    public int Count => _keys.Length;

    public IReadOnlyList<string> Keys => _keys;

    public LlmCostType TypeAt(int index) => _types[index];

    public int IndexOf(string metadataKey) => Array.IndexOf(_keys, metadataKey);

    /// <summary>Every cost of this route for one request's usage, in <see cref="Keys"/> order; empty when there are none.</summary>
    public long[] Compute(TokenUsage usage)
    {
        if (_keys.Length == 0)
        {
            return [];
        }

        var values = new long[_keys.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Of(_types[i], usage);
        }

        return values;
    }

    public static long Of(LlmCostType type, TokenUsage usage) => type switch
    {
        LlmCostType.InputToken => usage.Input,
        LlmCostType.CachedInputToken => usage.CachedInput,
        LlmCostType.CacheCreationInputToken => usage.CacheCreationInput,
        LlmCostType.OutputToken => usage.Output,
        LlmCostType.ReasoningToken => usage.Reasoning,
        _ => usage.Total,
    };
}
