using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Requests.Bedrock;

/// <summary>
/// Parses a Bedrock Converse body (<c>messages[].content[].text</c>, <c>system[].text</c>,
/// <c>inferenceConfig.maxTokens</c>) with <see cref="Utf8JsonReader"/>. Seed and token count follow the chat
/// parser: every system block and every message counts as one message of <see cref="ChatCompletionRequestParser"/>
/// (its text tokens + 4, plus 2 for the reply), and system texts are hashed before the messages. Sluice sends an
/// OpenAI chat as <c>messages</c> then <c>system</c>, so the messages are read last, from where they start in the
/// body: a plain-text chat gets the same answer and the same usage through Bedrock as through /v1/chat/completions.
/// </summary>
internal static class ConverseRequestParser
{
    public static bool TryParse(
        in ReadOnlySequence<byte> body,
        string modelId,
        [NotNullWhen(true)] out ConverseRequest? request,
        out RequestError error) =>
        RequestJsonParser.TryParse(body, new Fields(body), modelId, out request, out error);

    /// <summary>The reader is on a content block (or a system block); folds its text in, skipping anything else.</summary>
    private static void ReadBlock(ref Utf8JsonReader reader, ref ulong seed, ref int tokens)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
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
            else if (reader.ValueTextEquals("toolResult"u8))
            {
                reader.Read();
                ReadToolResult(ref reader, ref seed, ref tokens);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>A tool result's <c>content</c> blocks count like a message's (an OpenAI tool message's content).</summary>
    private static void ReadToolResult(ref Utf8JsonReader reader, ref ulong seed, ref int tokens)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadBlock(ref reader, ref seed, ref tokens);
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>The reader is on the start of <c>messages</c>; reads every message up to the array's end.</summary>
    private static bool TryReadMessages(ref Utf8JsonReader reader, ref ulong seed, ref int tokens, out RequestError error)
    {
        error = default;
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = RequestError.InvalidType("messages[" + count + "]", "an object");
                return false;
            }

            tokens += ChatCompletionRequestParser.PerMessageTokens;
            seed = StableHash.AppendSeparator(seed);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("content"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        ReadBlock(ref reader, ref seed, ref tokens);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            count++;
        }

        if (count == 0)
        {
            error = RequestError.EmptyArray("messages");
            return false;
        }

        return true;
    }

    /// <summary>The Converse fields read so far; <c>messages</c> is only located, and read by TryCreate.</summary>
    private struct Fields(ReadOnlySequence<byte> body) : IRequestFields<ConverseRequest>
    {
        private long _messagesStart = -1;
        private int? _maxTokens;
        private int _promptTokens = ChatCompletionRequestParser.ReplyPrimingTokens;
        private ulong _seed = StableHash.Initial;

        public bool TryReadProperty(ref Utf8JsonReader reader, out RequestError error)
        {
            error = default;
            if (reader.ValueTextEquals("messages"u8))
            {
                if (!JsonFields.TryOpen(ref reader, JsonTokenType.StartArray, "messages", out var present, out error))
                {
                    return false;
                }

                if (present)
                {
                    _messagesStart = reader.TokenStartIndex;
                    reader.Skip();
                }

                return true;
            }

            if (reader.ValueTextEquals("system"u8))
            {
                return TryReadSystem(ref reader, out error);
            }

            if (reader.ValueTextEquals("inferenceConfig"u8))
            {
                return TryReadInferenceConfig(ref reader, out error);
            }

            reader.Skip();
            return true;
        }

        public readonly bool TryCreate(string model, [NotNullWhen(true)] out ConverseRequest? request, out RequestError error)
        {
            request = null;
            if (_messagesStart < 0)
            {
                error = RequestError.MissingParameter("messages");
                return false;
            }

            ulong seed = _seed;
            int tokens = _promptTokens;
            var reader = new Utf8JsonReader(body.Slice(_messagesStart), JsonFields.ReaderOptions);
            reader.Read();
            if (!TryReadMessages(ref reader, ref seed, ref tokens, out error))
            {
                return false;
            }

            request = new ConverseRequest(model, _maxTokens, tokens, seed);
            return true;
        }

        /// <summary><c>system</c>: an array of blocks; each text block counts as one system message.</summary>
        private bool TryReadSystem(ref Utf8JsonReader reader, out RequestError error)
        {
            if (!JsonFields.TryOpen(ref reader, JsonTokenType.StartArray, "system", out var present, out error))
            {
                return false;
            }

            if (!present)
            {
                return true;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                _promptTokens += ChatCompletionRequestParser.PerMessageTokens;
                _seed = StableHash.AppendSeparator(_seed);
                ReadBlock(ref reader, ref _seed, ref _promptTokens);
            }

            return true;
        }

        /// <summary><c>inferenceConfig</c>: keeps <c>maxTokens</c> (at least 1, as Bedrock requires).</summary>
        private bool TryReadInferenceConfig(ref Utf8JsonReader reader, out RequestError error)
        {
            if (!JsonFields.TryOpen(ref reader, JsonTokenType.StartObject, "inferenceConfig", out var present, out error))
            {
                return false;
            }

            if (!present)
            {
                return true;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("maxTokens"u8))
                {
                    if (!JsonFields.TryReadInt(ref reader, "inferenceConfig.maxTokens", 1, int.MaxValue, ref _maxTokens, out error))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return true;
        }
    }
}
