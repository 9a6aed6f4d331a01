using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>Parses an embeddings request; usage counts input tokens as completions count prompts.</summary>
internal static class EmbeddingRequestParser
{
    /// <param name="pathModel">The model when the body names none (the deployment of an Azure path).</param>
    public static bool TryParse(
        in ReadOnlySequence<byte> body,
        string? pathModel,
        [NotNullWhen(true)] out EmbeddingRequest? request,
        out RequestError error) =>
        RequestJsonParser.TryParse(body, new Fields(), pathModel, out request, out error);

    /// <summary>The embedding fields read so far.</summary>
    private struct Fields() : IRequestFields<EmbeddingRequest>
    {
        private PromptInputs _inputs = new("input");
        private string? _encodingFormat;
        private int? _dimensions;

        public bool TryReadProperty(ref Utf8JsonReader reader, out RequestError error)
        {
            if (reader.ValueTextEquals("input"u8))
            {
                return _inputs.TryRead(ref reader, out error);
            }

            if (reader.ValueTextEquals("encoding_format"u8))
            {
                return JsonFields.TryReadString(ref reader, "encoding_format", ref _encodingFormat, out error);
            }

            if (reader.ValueTextEquals("dimensions"u8))
            {
                return JsonFields.TryReadInt(
                    ref reader, "dimensions", 1, EmbeddingRequest.MaxDimensions, ref _dimensions, out error);
            }

            reader.Skip();
            error = default;
            return true;
        }

        public readonly bool TryCreate(string model, [NotNullWhen(true)] out EmbeddingRequest? request, out RequestError error)
        {
            request = null;
            if (!_inputs.TryGet(out IReadOnlyList<PromptInput>? inputs, out error))
            {
                return false;
            }

            bool base64 = string.Equals(_encodingFormat, "base64", StringComparison.Ordinal);
            if (!base64 && _encodingFormat is not null && !string.Equals(_encodingFormat, "float", StringComparison.Ordinal))
            {
                error = RequestError.InvalidValue(
                    "encoding_format",
                    $"Invalid value: '{_encodingFormat}'. Supported values are: 'float' and 'base64'.");
                return false;
            }

            request = new EmbeddingRequest(model, inputs, base64, _dimensions ?? EmbeddingRequest.DefaultDimensions);
            return true;
        }
    }
}
