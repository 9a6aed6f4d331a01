using System.Buffers;
using System.Text.Json;
using Sluice.Translation.Bedrock;
using Sluice.Translation.Chat;
using Sluice.Usage;

namespace Sluice.Translation.Anthropic;

/// <summary>
/// Anthropic Messages answers from Bedrock → OpenAI chat completions. Whole bodies: text, <c>tool_use</c> →
/// tool_calls, <c>thinking</c> → reasoning_content, stop_reason → finish_reason, usage with cache reads and writes
/// in prompt_tokens. Streams (InvokeModelWithResponseStream: <c>chunk</c> frames whose <c>bytes</c> hold one
/// Anthropic event, base64): message_start → role, text and tool-input deltas → content and tool call chunks,
/// thinking deltas → reasoning_content, message_delta → finish_reason, message_stop → the usage chunk.
/// </summary>
internal sealed class AnthropicResponseTranslator(string id, string model, long created) : EventStreamResponseTranslator
{
    private readonly ChatChunkWriter _chunks = new(id, model, created);
    private readonly Dictionary<int, int> _toolCallByBlock = [];
    private TokenUsage _usage;

    protected override bool TranslateJson(JsonElement root, IBufferWriter<byte> output)
    {
        var content = ChatMessageParts.Get(root, "content");
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var message = new ChatCompletionMessage();
        foreach (var block in content.EnumerateArray())
        {
            switch (ChatMessageParts.Get(block, "type").GetString())
            {
                case "text":
                    message.Text.Append(ChatMessageParts.Get(block, "text").GetString());
                    break;
                case "thinking":
                    message.Reasoning.Append(ChatMessageParts.Get(block, "thinking").GetString());
                    break;
                case "tool_use":
                    message.AddToolCall(ChatMessageParts.Get(block, "id").GetString(), ChatMessageParts.Get(block, "name").GetString(), ChatMessageParts.Get(block, "input"));
                    break;
            }
        }

        var messageId = ChatMessageParts.Get(root, "id") is { ValueKind: JsonValueKind.String } anthropicId ? anthropicId.GetString()! : id;
        var finishReason = BedrockErrors.FinishReason(ChatMessageParts.Get(root, "stop_reason").GetString());
        ChatCompletionWriter.Write(output, messageId, created, model, message, finishReason, UsageOf(ChatMessageParts.Get(root, "usage")));
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
        switch (ChatMessageParts.Get(root, "type").GetString())
        {
            case "message_start":
                _usage = UsageOf(ChatMessageParts.Get(ChatMessageParts.Get(root, "message"), "usage"));
                _chunks.Role(output);
                break;
            case "content_block_start":
                var block = ChatMessageParts.Get(root, "content_block");
                if (ChatMessageParts.Get(block, "type").ValueEquals("tool_use"))
                {
                    var index = _toolCallByBlock.Count;
                    _toolCallByBlock[ChatMessageParts.Get(root, "index").GetInt32()] = index;
                    _chunks.ToolCallStart(output, index, ChatMessageParts.Get(block, "id").GetString()!, ChatMessageParts.Get(block, "name").GetString()!);
                }

                break;
            case "content_block_delta":
                Delta(root, output);
                break;
            case "message_delta":
                if (ChatMessageParts.Get(ChatMessageParts.Get(root, "usage"), "output_tokens") is { ValueKind: JsonValueKind.Number } outputTokens)
                {
                    _usage = ChatUsageJson.WithOutput(_usage, outputTokens.GetInt64());
                }

                var stopReason = ChatMessageParts.Get(ChatMessageParts.Get(root, "delta"), "stop_reason");
                if (stopReason.ValueKind == JsonValueKind.String)
                {
                    _chunks.Finish(output, BedrockErrors.FinishReason(stopReason.GetString()));
                }

                break;
            case "message_stop":
                Stopped = true;
                _chunks.Usage(output, _usage);
                break;
            case "error":
                var error = ChatMessageParts.Get(root, "error");
                var type = ChatMessageParts.Get(error, "type").GetString() ?? "anthropic_error";
                throw new ProviderStreamError(type, ChatMessageParts.Get(error, "message").GetString() ?? type);
        }
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        var delta = ChatMessageParts.Get(root, "delta");
        switch (ChatMessageParts.Get(delta, "type").GetString())
        {
            case "text_delta":
                _chunks.Content(output, ChatMessageParts.Get(delta, "text").GetString()!);
                break;
            case "input_json_delta" when _toolCallByBlock.TryGetValue(ChatMessageParts.Get(root, "index").GetInt32(), out var index):
                _chunks.ToolCallArguments(output, index, ChatMessageParts.Get(delta, "partial_json").GetString()!);
                break;
            case "thinking_delta":
                _chunks.Reasoning(output, ChatMessageParts.Get(delta, "thinking").GetString()!);
                break;
        }
    }

    private static TokenUsage UsageOf(JsonElement usage) => ChatUsageJson.FromProvider(
        ChatMessageParts.Long(usage, "input_tokens"), ChatMessageParts.Long(usage, "cache_read_input_tokens"), ChatMessageParts.Long(usage, "cache_creation_input_tokens"), ChatMessageParts.Long(usage, "output_tokens"));
}
