using Microsoft.ML.Tokenizers;

namespace Sluice.Simulator.Generation;

/// <summary>
/// Counts tokens with the o200k_base encoding (GPT-4o and later). The tokenizer is loaded once, lazily, from the
/// embedded Microsoft.ML.Tokenizers.Data.O200kBase package (no download) and shared by every server in the process.
/// </summary>
internal static class TokenCounter
{
    public const string EncodingName = "o200k_base";

    private static readonly Lazy<Tokenizer> s_tokenizer =
        new(() => TiktokenTokenizer.CreateForEncoding(EncodingName), LazyThreadSafetyMode.ExecutionAndPublication);

    public static Tokenizer Tokenizer => s_tokenizer.Value;

    public static int Count(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : s_tokenizer.Value.CountTokens(text);

    /// <summary>Loads the tokenizer ahead of the first request (about 200 ms).</summary>
    public static void Warm() => _ = s_tokenizer.Value;
}
