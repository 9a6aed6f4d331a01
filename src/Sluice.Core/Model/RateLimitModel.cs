using System.Text.RegularExpressions;
using Sluice.Configuration.Resources;

namespace Sluice.Model;

/// <summary>The compiled rate-limit rules of one route (from the BackendTrafficPolicy that targets it or its Gateway).</summary>
internal sealed class RateLimitPolicyModel(RateLimitRuleModel[] rules)
{
    public RateLimitRuleModel[] Rules { get; } = rules;
}

/// <summary>
/// One rate-limit rule, ready for the hot path: header conditions with regular expressions compiled once, the
/// bucket's identity (policy, rule, and the route unless <c>shared</c>), the limit and both costs.
/// </summary>
internal sealed class RateLimitRuleModel
{
    /// <summary>Identifies the rule's buckets: policy namespace/name, scope and index, and the route unless shared.</summary>
    public required string BucketPrefix { get; init; }

    public required RateLimitScope Scope { get; init; }

    /// <summary>Every condition must hold (all client selectors, all their headers).</summary>
    public required RateLimitHeaderModel[] Headers { get; init; }

    public required long Limit { get; init; }

    public required RateLimitUnit Unit { get; init; }

    /// <summary>Charged at admission (Envoy's default: 1).</summary>
    public required long RequestCost { get; init; }

    /// <summary>Index into the route's <see cref="RequestCostsModel"/> for a Metadata response cost; -1 otherwise.</summary>
    public int ResponseCostIndex { get; init; } = -1;

    /// <summary>A Number response cost (0 when there is none or it comes from metadata).</summary>
    public long ResponseCostNumber { get; init; }

    public bool HasResponseCost => ResponseCostIndex >= 0 || ResponseCostNumber > 0;

    /// <summary>Counted but never enforced.</summary>
    public bool ShadowMode { get; init; }

    public int DistinctCount { get; init; }
}

/// <summary>A header condition. A missing header never matches (inverted or not), as in Envoy.</summary>
internal sealed class RateLimitHeaderModel
{
    public required string Name { get; init; }

    public required RateLimitHeaderMatchType Type { get; init; }

    public string? Exact { get; init; }

    public Regex? Pattern { get; init; }

    public bool Invert { get; init; }

    /// <summary><c>x-ai-eg-model</c>: the body's model, as in route matches.</summary>
    public bool IsModelHeader { get; init; }

    /// <summary>Whether a present value satisfies an Exact or RegularExpression condition.</summary>
    public bool Matches(string value)
    {
        var matched = Exact is not null ? string.Equals(value, Exact, StringComparison.Ordinal) : Pattern!.IsMatch(value);
        return matched != Invert;
    }
}
