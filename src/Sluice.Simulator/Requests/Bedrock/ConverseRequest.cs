namespace Sluice.Simulator.Requests.Bedrock;

/// <summary>What the simulator needs from a Bedrock Converse or ConverseStream body.</summary>
/// <param name="ModelId">The model id from the path, unescaped.</param>
/// <param name="MaxTokens"><c>inferenceConfig.maxTokens</c>, if any.</param>
/// <param name="PromptTokens">See <see cref="ConverseRequestParser"/> for how messages are counted.</param>
/// <param name="Seed">A stable hash of the system and message texts.</param>
internal sealed record ConverseRequest(string ModelId, int? MaxTokens, int PromptTokens, ulong Seed);
