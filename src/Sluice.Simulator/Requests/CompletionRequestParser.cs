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
    /// <param name="pathModel">The model when the body names none (the deployment of an Azure path).</param>
    public static bool TryParse(
        in ReadOnlySequence<byte> body,
        string? pathModel,
        [NotNullWhen(true)] out CompletionRequest? request,
        out RequestError error) =>
        RequestJsonParser.TryParse(body, new Fields(), pathModel, out request, out error);

    /// <summary>The completion fields read so far.</summary>
    private struct Fields() : IRequestFields<CompletionRequest>
    {
        private PromptInputs _prompts = new("prompt");
        private StreamFields _stream;
        private int? _maxTokens;

        public bool TryReadProperty(ref Utf8JsonReader reader, out RequestError error)
        {
            if (reader.ValueTextEquals("prompt"u8))
            {
                return _prompts.TryRead(ref reader, out error);
            }

            if (reader.ValueTextEquals("max_tokens"u8))
            {
                return JsonFields.TryReadInt(ref reader, "max_tokens", 0, int.MaxValue, ref _maxTokens, out error);
            }

            return _stream.TryReadOrSkip(ref reader, out error);
        }

        public readonly bool TryCreate(string model, [NotNullWhen(true)] out CompletionRequest? request, out RequestError error)
        {
            request = null;
            if (!_prompts.TryGet(out IReadOnlyList<PromptInput>? prompts, out error))
            {
                return false;
            }

            request = new CompletionRequest(model, _stream.Stream, _stream.IncludeUsage, _maxTokens, prompts);
            return true;
        }
    }
}
