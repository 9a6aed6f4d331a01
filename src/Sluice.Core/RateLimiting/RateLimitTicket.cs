using Sluice.Model;

namespace Sluice.RateLimiting;

internal enum RateLimitDecision
{
    Admitted,
    Limited,

    /// <summary>The shared store is down and the failure mode is closed.</summary>
    Unavailable,
}

/// <summary>The bucket that refused a request, for the 429's message and headers.</summary>
internal sealed record RateLimitRefusal(RateLimitRuleModel Rule, long Used, long ResetSeconds);

/// <summary>The outcome of admission: the decision, and what to settle when the response ends.</summary>
internal readonly record struct RateLimitAdmission(RateLimitDecision Decision, RateLimitTicket? Ticket, RateLimitRefusal? Refusal = null)
{
    public static readonly RateLimitAdmission Unlimited = new(RateLimitDecision.Admitted, null);
}

/// <summary>One bucket a request was charged in at admission, with its key in the admission's window.</summary>
internal sealed record ChargedBucket(RateLimitRuleModel Rule, string Key, long WindowStart, long Reserved, bool Global)
{
    /// <summary>The key without its <c>:windowStart</c>, for a response settled in a later window.</summary>
    public ReadOnlySpan<char> BaseKey => Key.AsSpan(0, Key.LastIndexOf(':'));
}

/// <summary>What an admitted request owes when its response ends: the response costs, minus what was reserved.</summary>
internal sealed class RateLimitTicket(ChargedBucket[] buckets)
{
    public ChargedBucket[] Buckets { get; } = buckets;
}
