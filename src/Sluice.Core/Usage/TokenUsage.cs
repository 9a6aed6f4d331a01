namespace Sluice.Usage;

/// <summary>
/// Token counts of one request, from the provider's own numbers: input (prompt), the cached part of the input,
/// input written to a prompt cache, output (completion), the reasoning part of the output, and the total.
/// <see cref="Estimated"/> marks numbers Sluice counted itself because the provider's never arrived.
/// </summary>
internal readonly record struct TokenUsage(long Input, long CachedInput, long CacheCreationInput, long Output, long Reasoning, long Total)
{
    public bool Estimated { get; init; }
}
