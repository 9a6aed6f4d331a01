namespace Sluice.Simulator.Requests;

/// <summary>What the simulator needs from a /v1/embeddings body.</summary>
internal sealed record EmbeddingRequest(string Model, IReadOnlyList<PromptInput> Inputs, bool Base64, int Dimensions)
{
    public const int DefaultDimensions = 256;
    public const int MaxDimensions = 8192;

    public int PromptTokens => PromptInputs.TotalTokens(Inputs);
}
