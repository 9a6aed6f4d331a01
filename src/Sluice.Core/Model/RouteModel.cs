namespace Sluice.Model;

/// <summary>A compiled AIGatewayRoute rule: what it matches and where it sends.</summary>
internal sealed class RouteRuleModel
{
    public required string RouteName { get; init; }

    public required string RuleName { get; init; }

    public required IReadOnlyList<string> Hostnames { get; init; }

    /// <summary>Backends grouped by priority, lowest priority number first.</summary>
    public required IReadOnlyList<BackendGroupModel> PriorityGroups { get; init; }

    public required TimeSpan RequestTimeout { get; init; }

    public TimeSpan? BackendRequestTimeout { get; init; }

    public TimeSpan? StreamIdleTimeout { get; init; }

    public RetryPolicyModel Retry { get; init; } = RetryPolicyModel.None;

    public PassiveHealthModel Health { get; init; } = PassiveHealthModel.Default;

    /// <summary>The route's llmRequestCosts (over the GatewayConfig's globals), computed when a response ends.</summary>
    public RequestCostsModel Costs { get; init; } = RequestCostsModel.None;

    /// <summary>The route's token rate limits, if a BackendTrafficPolicy sets any.</summary>
    public RateLimitPolicyModel? RateLimit { get; init; }

    public override string ToString() => $"{RouteName} rule {RuleName}";
}

/// <summary>The backendRefs that share one priority; traffic is split by weight.</summary>
internal sealed class BackendGroupModel(int priority, IReadOnlyList<BackendRefModel> refs)
{
    public int Priority { get; } = priority;

    public IReadOnlyList<BackendRefModel> Refs { get; } = refs;

    public int TotalWeight { get; } = SumWeights(refs);

    private static int SumWeights(IReadOnlyList<BackendRefModel> refs)
    {
        var total = 0;
        foreach (var r in refs)
        {
            total += r.Weight;
        }

        return total;
    }
}

internal sealed class BackendRefModel
{
    public required BackendModel Backend { get; init; }

    public required int Weight { get; init; }

    public required int Priority { get; init; }

    public string? ModelNameOverride { get; init; }

    public required HeaderMutationModel HeaderMutation { get; init; }

    public required BodyMutationModel BodyMutation { get; init; }
}

/// <summary>One header condition of a rule match. Regular expressions match the whole value, as Envoy's do.</summary>
internal sealed record HeaderMatchModel(string Name, string? Exact, System.Text.RegularExpressions.Regex? Pattern)
{
    public bool IsMatch(string? value) =>
        value is not null && (Exact is not null ? string.Equals(value, Exact, StringComparison.Ordinal) : Pattern!.IsMatch(value));
}
