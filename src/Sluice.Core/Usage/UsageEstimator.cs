using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Sluice.Usage;

/// <summary>
/// Counts tokens with a real tokenizer (o200k_base, the GPT-4o family's) when a stream was cut short before the
/// provider reported usage: the prompt from the request body, the output from the text that was streamed. Other
/// model families tokenize differently, so these numbers are marked as estimated. The gateway starts loading the tokenizer
/// in the background when it starts (<see cref="Load"/>); anything else (tests, tools) loads it on first use.
/// </summary>
internal static class UsageEstimator
{
    private static readonly Lazy<Tokenizer> Tokenizer = new(static () => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>
    /// Loads the tokenizer now: about 0.3 s of CPU, 51 MB allocated and 42 MB kept (its three 200,000-entry
    /// dictionaries, measured with Microsoft.ML.Tokenizers 2.0.1). Left to the first cut stream or the first token
    /// reservation, that load happened under load: those requests waited for it, and the process's memory jumped
    /// by about 100 MB at that moment (51 MB of loading on top of a gen-0 budget already in use).
    /// </summary>
    public static void Load() => _ = Tokenizer.Value;

    /// <param name="requestBody">The client's request, for the prompt.</param>
    /// <param name="streamedText">The text streamed so far, UTF-8.</param>
    public static TokenUsage Estimate(ReadOnlySpan<byte> requestBody, ReadOnlySpan<byte> streamedText)
    {
        var input = CountTokens(PromptText(requestBody));
        var output = CountTokens(Encoding.UTF8.GetString(streamedText));
        return new TokenUsage(input, 0, 0, output, 0, input + output) { Estimated = true };
    }

    /// <summary>The prompt's tokens (messages, prompt or input) of a request body.</summary>
    public static long PromptTokens(ReadOnlySpan<byte> requestBody) => CountTokens(PromptText(requestBody));

    private static int CountTokens(string text) => text.Length == 0 ? 0 : Tokenizer.Value.CountTokens(text);

    /// <summary>Every string under messages[].content (text parts included), prompt or input.</summary>
    private static string PromptText(ReadOnlySpan<byte> body)
    {
        var text = new StringBuilder();
        var reader = new Utf8JsonReader(body);
        var depthOfPrompt = -1;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1
                    && (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8)))
                {
                    depthOfPrompt = reader.CurrentDepth;
                    continue;
                }

                if (depthOfPrompt >= 0 && reader.CurrentDepth <= depthOfPrompt && reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.EndObject)
                {
                    depthOfPrompt = -1;
                }

                if (depthOfPrompt >= 0 && reader.TokenType == JsonTokenType.String)
                {
                    text.Append(reader.GetString()).Append('\n');
                }
            }
        }
        catch (JsonException)
        {
            // the body was valid when routed; a partial count is still the best estimate
        }

        return text.ToString();
    }
}
