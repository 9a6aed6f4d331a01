namespace Sluice.Simulator.Generation;

/// <summary>How long one answer is and why it ends.</summary>
internal readonly record struct CompletionPlan(int Tokens, bool Truncated)
{
    /// <param name="naturalLength">The answer's length when nothing cuts it short.</param>
    /// <param name="maxTokens">The request's max_tokens / max_completion_tokens, if any.</param>
    public static CompletionPlan Create(int naturalLength, int? maxTokens) =>
        maxTokens is int max && max < naturalLength
            ? new CompletionPlan(max, Truncated: true)
            : new CompletionPlan(naturalLength, Truncated: false);
}
