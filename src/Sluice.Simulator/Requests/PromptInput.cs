namespace Sluice.Simulator.Requests;

/// <summary>One prompt (completions) or one input (embeddings): its seed and its token count.</summary>
internal readonly record struct PromptInput(ulong Seed, int Tokens);
