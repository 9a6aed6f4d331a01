namespace Sluice.Simulator.Requests;

/// <summary>What the simulator needs from a /v1/chat/completions body.</summary>
/// <param name="MaxTokens">max_completion_tokens, else max_tokens, else null.</param>
/// <param name="PromptTokens">See <see cref="ChatCompletionRequestParser"/> for how messages are counted.</param>
/// <param name="Seed">A stable hash of the message contents.</param>
internal sealed record ChatCompletionRequest(
    string Model,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    int PromptTokens,
    ulong Seed);
