using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>Parses an embeddings request; usage counts input tokens as completions count prompts.</summary>
internal static class EmbeddingRequestParser
{
    public static bool TryParse(in ReadOnlySequence<byte> body, [NotNullWhen(true)] out EmbeddingRequest? request, out RequestError error)
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

    private static bool TryParse(ref Utf8JsonReader reader, [NotNullWhen(true)] out EmbeddingRequest? request, out RequestError error)
    {
        request = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = RequestError.InvalidJson();
            return false;
        }

        string? model = null;
        string? encodingFormat = null;
        int? dimensions = null;
        var inputs = new List<PromptInput>(1);
        bool sawInput = false;
        error = default;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok = true;
            if (reader.ValueTextEquals("model"u8))
            {
                ok = JsonFields.TryReadString(ref reader, "model", ref model, out error);
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                sawInput = true;
                ok = PromptInputParser.TryRead(ref reader, "input", inputs, out error);
            }
            else if (reader.ValueTextEquals("encoding_format"u8))
            {
                ok = JsonFields.TryReadString(ref reader, "encoding_format", ref encodingFormat, out error);
            }
            else if (reader.ValueTextEquals("dimensions"u8))
            {
                ok = JsonFields.TryReadInt(
                    ref reader, "dimensions", 1, EmbeddingRequest.MaxDimensions, ref dimensions, out error);
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

        if (!sawInput)
        {
            error = RequestError.MissingParameter("input");
            return false;
        }

        bool base64 = string.Equals(encodingFormat, "base64", StringComparison.Ordinal);
        if (!base64 && encodingFormat is not null && !string.Equals(encodingFormat, "float", StringComparison.Ordinal))
        {
            error = RequestError.InvalidValue(
                "encoding_format",
                $"Invalid value: '{encodingFormat}'. Supported values are: 'float' and 'base64'.");
            return false;
        }

        request = new EmbeddingRequest(model, inputs, base64, dimensions ?? EmbeddingRequest.DefaultDimensions);
        return true;
    }
}
