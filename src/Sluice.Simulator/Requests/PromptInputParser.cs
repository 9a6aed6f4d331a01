using System.Text.Json;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Requests;

/// <summary>
/// Reads the polymorphic <c>prompt</c> (completions) and <c>input</c> (embeddings) field: a string, an array of
/// strings, an array of token ids, or an array of token-id arrays. Token ids count one token each.
/// </summary>
internal static class PromptInputParser
{
    /// <summary>The reader is on the property name; it ends on the value's last token.</summary>
    public static bool TryRead(
        ref Utf8JsonReader reader,
        string param,
        List<PromptInput> inputs,
        out RequestError error)
    {
        reader.Read();
        error = default;
        if (reader.TokenType == JsonTokenType.String)
        {
            inputs.Add(ReadText(ref reader));
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = RequestError.InvalidType(param, "a string or an array");
            return false;
        }

        reader.Read();
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            error = RequestError.EmptyArray(param);
            return false;
        }

        if (reader.TokenType == JsonTokenType.Number)
        {
            return TryReadTokenIds(ref reader, param, inputs, out error);
        }

        do
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                inputs.Add(ReadText(ref reader));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                reader.Read();
                if (!TryReadTokenIds(ref reader, param, inputs, out error))
                {
                    return false;
                }
            }
            else
            {
                error = RequestError.InvalidType(param, "strings or arrays of token ids");
                return false;
            }
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);

        return true;
    }

    private static PromptInput ReadText(ref Utf8JsonReader reader)
    {
        ulong hash = StableHash.Initial;
        int tokens = 0;
        PromptText.Accumulate(ref reader, ref hash, ref tokens);
        return new PromptInput(hash, tokens);
    }

    /// <summary>The reader is on the first element (or the end) of a token-id array.</summary>
    private static bool TryReadTokenIds(
        ref Utf8JsonReader reader,
        string param,
        List<PromptInput> inputs,
        out RequestError error)
    {
        error = default;
        ulong hash = StableHash.AppendSeparator(StableHash.Initial);
        int tokens = 0;
        for (; reader.TokenType != JsonTokenType.EndArray; reader.Read())
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id) || id < 0)
            {
                error = RequestError.InvalidType(param, "token ids (non-negative integers)");
                return false;
            }

            hash = StableHash.Append(hash, id);
            tokens++;
        }

        inputs.Add(new PromptInput(hash, tokens));
        return true;
    }
}
