using System.Buffers;
using System.Text.Json;
using Sluice.Json;
using Sluice.Translation.Bedrock;
using Sluice.Translation.Chat;
using Sluice.Usage;

namespace Sluice.Translation.Anthropic;

/// <summary>
/// Anthropic Messages answers from Bedrock → OpenAI chat completions. Whole bodies: text, <c>tool_use</c> →
/// tool_calls, <c>thinking</c> → reasoning_content, stop_reason → finish_reason, usage with cache reads and writes
/// in prompt_tokens. Streams (InvokeModelWithResponseStream: <c>chunk</c> frames whose <c>bytes</c> hold one
/// Anthropic event, base64): message_start → role, text and tool-input deltas → content and tool call chunks,
/// thinking deltas → reasoning_content, message_delta → finish_reason, message_stop → the usage chunk. Strings are
/// read with <see cref="JsonStrings"/>: half a surrogate pair becomes U+FFFD, so the answer stays valid JSON for any
/// client (re-escaping it would pass on text that System.Text.Json, for one, refuses to read).
/// </summary>
internal sealed class AnthropicResponseTranslator(string id, string model, long created) : EventStreamResponseTranslator
{
    private readonly ChatChunkWriter _chunks = new(id, model, created);
    private readonly Dictionary<int, int> _toolCallByBlock = [];
    private TokenUsage _usage;

    protected override bool TranslateJson(JsonElement root, IBufferWriter<byte> output)
    {
        // stop_reason is always there, null only in the message_start event of a stream.
        var content = ChatMessageParts.Get(root, "content");
        if (content.ValueKind != JsonValueKind.Array || !root.TryGetProperty("stop_reason", out _)
            || !ProviderFields.TryGetOptionalString(root, "stop_reason", out var stopReason)
            || !ProviderFields.TryGetOptionalString(root, "id", out var messageId)
            || UsageOf(ChatMessageParts.Get(root, "usage")) is not { } usage)
        {
            return false;
        }

        var message = new ChatCompletionMessage();
        foreach (var block in content.EnumerateArray())
        {
            if (!AddBlock(block, message))
            {
                return false;
            }
        }

        ChatCompletionWriter.Write(output, messageId ?? id, created, model, message, BedrockErrors.FinishReason(stopReason), usage);
        return true;
    }

    protected override void TranslateEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        if (!eventType.SequenceEqual("chunk"u8))
        {
            return;
        }

        // Decoded straight from the UTF-8 payload: no base64 string per event.
        using var frame = ParseJson(payload);
        var bytes = ChatMessageParts.Get(frame.RootElement, "bytes") is { ValueKind: JsonValueKind.String } encoded && encoded.TryGetBytesFromBase64(out var decoded)
            ? decoded
            : throw new FormatException("a chunk event without base64 bytes");
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        switch (ProviderFields.RequiredString(root, "type"))
        {
            case "message_start":
                _usage = UsageOf(ChatMessageParts.Get(ChatMessageParts.Get(root, "message"), "usage")) ?? throw ProviderFields.UnreadableUsage();
                _chunks.Role(output);
                break;
            case "content_block_start":
                var block = ChatMessageParts.Get(root, "content_block");
                if (ProviderFields.OptionalString(block, "type") == "tool_use")
                {
                    var index = _toolCallByBlock.Count;
                    _toolCallByBlock[ProviderFields.RequiredIndex(root, "index")] = index;
                    _chunks.ToolCallStart(output, index, ProviderFields.RequiredString(block, "id"), ProviderFields.RequiredString(block, "name"));
                }

                break;
            case "content_block_delta":
                Delta(root, output);
                break;
            case "message_delta":
                var usage = ChatMessageParts.Get(root, "usage");
                if (!ChatMessageParts.IsMissing(ChatMessageParts.Get(usage, "output_tokens")))
                {
                    _usage = ChatUsageJson.WithOutput(_usage, ProviderFields.TryGetCount(usage, "output_tokens", out var outputTokens) ? outputTokens : throw ProviderFields.UnreadableUsage());
                }

                if (ProviderFields.OptionalString(ChatMessageParts.Get(root, "delta"), "stop_reason") is { } stopReason)
                {
                    _chunks.Finish(output, BedrockErrors.FinishReason(stopReason));
                }

                break;
            case "message_stop":
                Stopped = true;
                _chunks.Usage(output, _usage);
                break;
            case "error":
                var error = ChatMessageParts.Get(root, "error");
                var type = ProviderFields.TryGetString(error, "type", out var errorType) ? errorType : "anthropic_error";
                throw new ProviderStreamError(type, ProviderFields.TryGetString(error, "message", out var message) ? message : type);
        }
    }

    /// <summary>
    /// One content block of a whole answer: text, thinking or a tool use (others, such as redacted thinking, have no
    /// place in a chat completion and are left out). False when a field has the wrong kind.
    /// </summary>
    private static bool AddBlock(JsonElement block, ChatCompletionMessage message)
    {
        if (!ProviderFields.TryGetString(block, "type", out var type))
        {
            return false;
        }

        switch (type)
        {
            case "text" when ProviderFields.TryGetString(block, "text", out var text):
                message.Text.Append(text);
                return true;
            case "thinking" when ProviderFields.TryGetString(block, "thinking", out var thought):
                message.Reasoning.Append(thought);
                return true;
            case "tool_use" when ProviderFields.TryGetString(block, "id", out var toolUseId) && ProviderFields.TryGetString(block, "name", out var name):
                message.AddToolCall(toolUseId, name, ChatMessageParts.Get(block, "input"));
                return true;
            case "text" or "thinking" or "tool_use":
                return false;
            default:
                return true;
        }
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        var delta = ChatMessageParts.Get(root, "delta");
        switch (ProviderFields.RequiredString(delta, "type"))
        {
            case "text_delta":
                _chunks.Content(output, ProviderFields.RequiredString(delta, "text"));
                break;
            case "input_json_delta":
                var partialJson = ProviderFields.RequiredString(delta, "partial_json");
                if (_toolCallByBlock.TryGetValue(ProviderFields.RequiredIndex(root, "index"), out var index))
                {
                    _chunks.ToolCallArguments(output, index, partialJson);
                }

                break;
            case "thinking_delta":
                _chunks.Reasoning(output, ProviderFields.RequiredString(delta, "thinking"));
                break;
        }
    }

    /// <summary>Anthropic usage with cache reads and writes in the prompt; null when it is not token counts.</summary>
    private static TokenUsage? UsageOf(JsonElement usage) => ChatUsageJson.FromProvider(usage, "input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens");
}
