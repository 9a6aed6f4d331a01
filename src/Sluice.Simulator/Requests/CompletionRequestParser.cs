using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>
/// Parses a legacy completion request. prompt_tokens is the o200k_base token count of each prompt string (no
/// overhead), or the number of ids for token-array prompts.
/// </summary>
internal static class CompletionRequestParser
{
    public static bool TryParse(in ReadOnlySequence<byte> body, [NotNullWhen(true)] out CompletionRequest? request, out RequestError error)
    {
        request = null;
        try
        {
            var reader = new Utf8JsonReader(body, JsonFields.ReaderOptions);
            return TryParse(ref reader, out request, out error);
        }
        catch (JsonException)
        {
            error = RequestError.InvalidJson();
            return false;
        }
        catch (InvalidOperationException)
        {
            error = RequestError.InvalidJson();
            return false;
        }
    }

    private static bool TryParse(ref Utf8JsonReader reader, [NotNullWhen(true)] out CompletionRequest? request, out RequestError error)
    {
        request = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = RequestError.InvalidJson();
            return false;
        }

        string? model = null;
        bool stream = false;
        bool includeUsage = false;
        int? maxTokens = null;
        var prompts = new List<PromptInput>(1);
        bool sawPrompt = false;
        error = default;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok = true;
            if (reader.ValueTextEquals("model"u8))
            {
                ok = JsonFields.TryReadString(ref reader, "model", ref model, out error);
            }
            else if (reader.ValueTextEquals("prompt"u8))
            {
                sawPrompt = true;
                ok = PromptInputParser.TryRead(ref reader, "prompt", prompts, out error);
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                ok = JsonFields.TryReadBool(ref reader, "stream", ref stream, out error);
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                ok = JsonFields.TryReadStreamOptions(ref reader, ref includeUsage, out error);
            }
            else if (reader.ValueTextEquals("max_tokens"u8))
            {
                ok = JsonFields.TryReadInt(ref reader, "max_tokens", 0, int.MaxValue, ref maxTokens, out error);
            }
            else
            {
                reader.Skip();
            }

            if (!ok)
            {
                return false;
            }
        }

        JsonFields.ReadToEnd(ref reader);
        if (string.IsNullOrEmpty(model))
        {
            error = RequestError.MissingModel();
            return false;
        }

        if (!sawPrompt)
        {
            error = RequestError.MissingParameter("prompt");
            return false;
        }

        request = new CompletionRequest(model, stream, includeUsage, maxTokens, prompts);
        return true;
    }
}
