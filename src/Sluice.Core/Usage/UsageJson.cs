using System.Text.Json;
using Sluice.Forwarding;
using Sluice.Json;

namespace Sluice.Usage;

/// <summary>What one OpenAI-shaped JSON object (a response or a stream chunk) says about usage and the model.</summary>
internal ref struct UsageObservation
{
    public TokenUsage? Usage;

    /// <summary>The first <c>model</c> seen; set it beforehand to skip reading (and allocating) it again.</summary>
    public string? Model;

    /// <summary>A stream chunk with <c>"choices": []</c> and a usage object: the one <c>include_usage</c> adds.</summary>
    public bool IsUsageOnlyChunk;

    /// <summary>When set, the streamed text of the chunk (delta.content, text) is appended here, unescaped UTF-8.</summary>
    public PooledBufferWriter? StreamedText;
}

/// <summary>
/// Reads <c>model</c> and <c>usage</c> from the top level of a response or chunk with <see cref="Utf8JsonReader"/>,
/// skipping everything else. Knows Chat Completions / Completions / Embeddings usage (<c>prompt_tokens</c>,
/// <c>completion_tokens</c>, details) and the Responses API's (<c>input_tokens</c>, <c>output_tokens</c>, details,
/// nested in <c>response</c> for stream events). Text System.Text.Json will not unescape (half a surrogate pair, as
/// a provider may stream it) never throws: it reads as U+FFFD, and a property name made of it matches nothing.
/// </summary>
internal static class UsageJson
{
    public static bool TryRead(ReadOnlySpan<byte> json, ref UsageObservation observation)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            ReadObject(ref reader, ref observation, depth: 0);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ReadObject(ref Utf8JsonReader reader, ref UsageObservation observation, int depth)
    {
        var choicesEmpty = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonStrings.TextEquals(ref reader, "usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    observation.Usage = ReadUsage(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (JsonStrings.TextEquals(ref reader, "model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && observation.Model is null)
                {
                    observation.Model = JsonStrings.GetString(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (JsonStrings.TextEquals(ref reader, "choices"u8))
            {
                reader.Read();
                if (observation.StreamedText is { } text && reader.TokenType == JsonTokenType.StartArray)
                {
                    choicesEmpty = CollectText(ref reader, text);
                }
                else if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip(); // not OpenAI's choices: not the array to skip the rest of
                }
                else
                {
                    choicesEmpty = reader.Read() && reader.TokenType == JsonTokenType.EndArray;
                    if (!choicesEmpty)
                    {
                        reader.Skip();
                        SkipRestOfArray(ref reader);
                    }
                }
            }
            else if (depth == 0 && JsonStrings.TextEquals(ref reader, "response"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadObject(ref reader, ref observation, depth + 1); // Responses API stream events
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (depth == 0)
        {
            observation.IsUsageOnlyChunk = choicesEmpty && observation.Usage is not null;
        }
    }

    /// <summary>
    /// Appends every <c>content</c> and <c>text</c> string inside the choices array; true when it is empty. Runs on
    /// every streamed event, so the text is copied as UTF-8 bytes (unescaped) rather than made into a string per delta.
    /// </summary>
    private static bool CollectText(ref Utf8JsonReader reader, PooledBufferWriter text)
    {
        var depth = reader.CurrentDepth;
        var empty = true;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            empty = false;
            if (reader.TokenType == JsonTokenType.PropertyName && (JsonStrings.TextEquals(ref reader, "content"u8) || JsonStrings.TextEquals(ref reader, "text"u8)))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    JsonStrings.CopyString(ref reader, text);
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return empty;
    }

    private static void SkipRestOfArray(ref Utf8JsonReader reader)
    {
        while (reader.TokenType != JsonTokenType.EndArray && reader.Read())
        {
            if (reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }
        }
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        long input = 0, cached = 0, cacheCreation = 0, output = 0, reasoning = 0, total = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonStrings.TextEquals(ref reader, "prompt_tokens"u8) || JsonStrings.TextEquals(ref reader, "input_tokens"u8))
            {
                input = ReadNumber(ref reader);
            }
            else if (JsonStrings.TextEquals(ref reader, "completion_tokens"u8) || JsonStrings.TextEquals(ref reader, "output_tokens"u8))
            {
                output = ReadNumber(ref reader);
            }
            else if (JsonStrings.TextEquals(ref reader, "total_tokens"u8))
            {
                total = ReadNumber(ref reader);
            }
            else if (JsonStrings.TextEquals(ref reader, "prompt_tokens_details"u8) || JsonStrings.TextEquals(ref reader, "input_tokens_details"u8))
            {
                ReadDetails(ref reader, "cached_tokens"u8, ref cached, "cache_creation_tokens"u8, ref cacheCreation);
            }
            else if (JsonStrings.TextEquals(ref reader, "completion_tokens_details"u8) || JsonStrings.TextEquals(ref reader, "output_tokens_details"u8))
            {
                var unused = 0L;
                ReadDetails(ref reader, "reasoning_tokens"u8, ref reasoning, "-"u8, ref unused);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new TokenUsage(input, cached, cacheCreation, output, reasoning, total >= 0 ? total : input + output);
    }

    private static void ReadDetails(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, ref long firstValue, ReadOnlySpan<byte> second, ref long secondValue)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonStrings.TextEquals(ref reader, first))
            {
                firstValue = ReadNumber(ref reader);
            }
            else if (JsonStrings.TextEquals(ref reader, second))
            {
                secondValue = ReadNumber(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static long ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : 0;
    }
}
