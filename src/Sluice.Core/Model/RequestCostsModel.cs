using Sluice.Costs;
using Sluice.RateLimiting;
using Sluice.Usage;

namespace Sluice.Model;

/// <summary>What an llmRequestCosts entry counts: one token type, or a CEL expression over all of them.</summary>
internal enum LlmCostType
{
    InputToken,
    CachedInputToken,
    CacheCreationInputToken,
    OutputToken,
    ReasoningToken,
    TotalToken,
    Cel,
}

/// <summary>
/// A route's effective request costs: its own <c>llmRequestCosts</c> over the GatewayConfig's
/// <c>globalLLMRequestCosts</c> (the route's entry wins for the same metadataKey). Computed once per request at
/// response end from its <see cref="TokenUsage"/>; a rate limit's Metadata cost reads one of them by index.
/// A CEL cost that fails for a request is <see cref="Failed"/>: null in the access log, and not charged.
/// </summary>
internal sealed class RequestCostsModel
{
    /// <summary>The value of a cost that could not be computed (costs are never negative).</summary>
    public const long Failed = -1;

    public static readonly RequestCostsModel None = new([], [], [], "", []);

    private readonly string[] _keys;
    private readonly LlmCostType[] _types;
    private readonly CelCostExpression?[] _expressions;
    private readonly string _routeName;
    private readonly string[] _backends;

    /// <param name="expressions">The compiled expression of each CEL entry (null for token types).</param>
    /// <param name="routeName">The route, for CEL's <c>route_name</c>.</param>
    /// <param name="backends">Every backend of the route (<c>name.namespace</c>): a CEL reservation takes the largest.</param>
    public RequestCostsModel(string[] keys, LlmCostType[] types, CelCostExpression?[] expressions, string routeName, string[] backends)
    {
        _keys = keys;
        _types = types;
        _expressions = expressions;
        _routeName = routeName;
        _backends = backends;
    }

    public RequestCostsModel(string[] keys, LlmCostType[] types)
        : this(keys, types, new CelCostExpression?[keys.Length], "", [])
    {
    }

    public int Count => _keys.Length;

    public IReadOnlyList<string> Keys => _keys;

    public LlmCostType TypeAt(int index) => _types[index];

    public int IndexOf(string metadataKey) => Array.IndexOf(_keys, metadataKey);

    /// <summary>
    /// Every cost of this route for one request's usage, in <see cref="Keys"/> order; empty when there are none.
    /// A CEL cost that fails is <see cref="Failed"/>, and <paramref name="failure"/> names the first such key and why.
    /// </summary>
    /// <param name="model">The model the client asked for.</param>
    /// <param name="backend">The backend that served the request, <c>name.namespace</c>.</param>
    public long[] Compute(TokenUsage usage, string model, string backend, out string? failure)
    {
        failure = null;
        if (_keys.Length == 0)
        {
            return [];
        }

        var values = new long[_keys.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (_expressions[i] is not { } expression)
            {
                values[i] = Of(_types[i], usage);
            }
            else if (expression.TryEvaluate(new CostInputs(usage, model, backend, _routeName), out var cost, out var why))
            {
                values[i] = cost;
            }
            else
            {
                values[i] = Failed;
                failure ??= $"metadataKey '{_keys[i]}': {why.Reason}";
            }
        }

        return values;
    }

    /// <summary>
    /// What to reserve at admission for cost <paramref name="index"/>. A CEL cost is evaluated over the estimate
    /// (no cached, cache-creation or reasoning tokens) for each backend the route may pick, and the largest is taken;
    /// one that fails reserves nothing.
    /// </summary>
    public long Reservation(int index, ReservationEstimate estimate, string model)
    {
        if (_expressions[index] is not { } expression)
        {
            return estimate.Of(_types[index]);
        }

        var usage = new TokenUsage(estimate.InputTokens, 0, 0, estimate.OutputTokens, 0, estimate.InputTokens + estimate.OutputTokens);
        var largest = 0L;
        foreach (var backend in _backends)
        {
            if (expression.TryEvaluate(new CostInputs(usage, model, backend, _routeName), out var cost, out _))
            {
                largest = Math.Max(largest, cost);
            }
        }

        return largest;
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
