namespace Sluice.Simulator.Requests;

/// <summary>What the simulator needs from a /v1/completions body: one choice is answered per prompt.</summary>
internal sealed record CompletionRequest(
    string Model,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    IReadOnlyList<PromptInput> Prompts)
{
    public int PromptTokens => PromptInputs.TotalTokens(Prompts);
}
