using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Requests;

/// <summary>
/// Parses a chat completion request with <see cref="Utf8JsonReader"/>, keeping only what the simulator uses.
/// prompt_tokens = Σ (content tokens + <see cref="PerMessageTokens"/>) + <see cref="ReplyPrimingTokens"/>, where
/// content tokens count string contents and "text" content parts in o200k_base. This matches api.openai.com
/// exactly for single-message requests (recordings: "Hello!" → 8) and is within a couple of tokens otherwise.
/// </summary>
internal static class ChatCompletionRequestParser
{
    /// <summary>Message framing and the role, as OpenAI's token-counting guide describes.</summary>
    public const int PerMessageTokens = 4;

    /// <summary>The assistant turn the model is primed with.</summary>
    public const int ReplyPrimingTokens = 2;

    /// <param name="pathModel">The model when the body names none (the deployment of an Azure path).</param>
    public static bool TryParse(
        in ReadOnlySequence<byte> body,
        string? pathModel,
        [NotNullWhen(true)] out ChatCompletionRequest? request,
        out RequestError error) =>
        RequestJsonParser.TryParse(body, new Fields(), pathModel, out request, out error);

    /// <summary>The reader is on the "messages" name; a JSON null counts as missing (count -1).</summary>
    private static bool TryReadMessages(
        ref Utf8JsonReader reader,
        ref ulong seed,
        ref int tokens,
        out int count,
        out RequestError error)
    {
        reader.Read();
        count = -1;
        error = default;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = RequestError.InvalidType("messages", "an array");
            return false;
        }

        count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = RequestError.InvalidType("messages[" + count + "]", "an object");
                return false;
            }

            tokens += PerMessageTokens;
            seed = StableHash.AppendSeparator(seed);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    ReadContent(ref reader, ref seed, ref tokens);
                }
                else
                {
                    reader.Skip();
                }
            }

            count++;
        }

        return true;
    }

    /// <summary>A string, null, or an array of parts whose "text" values count.</summary>
    private static void ReadContent(ref Utf8JsonReader reader, ref ulong seed, ref int tokens)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            PromptText.Accumulate(ref reader, ref seed, ref tokens);
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        PromptText.Accumulate(ref reader, ref seed, ref tokens);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    /// <summary>The chat fields read so far.</summary>
    private struct Fields() : IRequestFields<ChatCompletionRequest>
    {
        private StreamFields _stream;
        private int? _maxTokens;
        private int? _maxCompletionTokens;
        private int _messageCount = -1;
        private int _promptTokens = ReplyPrimingTokens;
        private ulong _seed = StableHash.Initial;

        public bool TryReadProperty(ref Utf8JsonReader reader, out RequestError error)
        {
            if (reader.ValueTextEquals("messages"u8))
            {
                return TryReadMessages(ref reader, ref _seed, ref _promptTokens, out _messageCount, out error);
            }

            if (reader.ValueTextEquals("max_tokens"u8))
            {
                return JsonFields.TryReadInt(ref reader, "max_tokens", 1, int.MaxValue, ref _maxTokens, out error);
            }

            if (reader.ValueTextEquals("max_completion_tokens"u8))
            {
                return JsonFields.TryReadInt(
                    ref reader, "max_completion_tokens", 1, int.MaxValue, ref _maxCompletionTokens, out error);
            }

            return _stream.TryReadOrSkip(ref reader, out error);
        }

        public readonly bool TryCreate(
            string model,
            [NotNullWhen(true)] out ChatCompletionRequest? request,
            out RequestError error)
        {
            request = null;
            if (_messageCount < 0)
            {
                error = RequestError.MissingParameter("messages");
                return false;
            }

            if (_messageCount == 0)
            {
                error = RequestError.EmptyArray("messages");
                return false;
            }

            error = default;
            request = new ChatCompletionRequest(
                model, _stream.Stream, _stream.IncludeUsage, _maxCompletionTokens ?? _maxTokens, _promptTokens, _seed);
            return true;
        }
    }
}
