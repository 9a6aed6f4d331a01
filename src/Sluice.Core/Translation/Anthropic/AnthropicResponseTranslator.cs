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
        var content = ChatMessageParts.Get(root, "content");
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var message = new ChatCompletionMessage();
        foreach (var block in content.EnumerateArray())
        {
            switch (JsonStrings.GetString(ChatMessageParts.Get(block, "type")))
            {
                case "text":
                    message.Text.Append(JsonStrings.GetString(ChatMessageParts.Get(block, "text")));
                    break;
                case "thinking":
                    message.Reasoning.Append(JsonStrings.GetString(ChatMessageParts.Get(block, "thinking")));
                    break;
                case "tool_use":
                    message.AddToolCall(JsonStrings.GetString(ChatMessageParts.Get(block, "id")), JsonStrings.GetString(ChatMessageParts.Get(block, "name")), ChatMessageParts.Get(block, "input"));
                    break;
            }
        }

        var messageId = ChatMessageParts.Get(root, "id") is { ValueKind: JsonValueKind.String } anthropicId ? JsonStrings.GetString(anthropicId)! : id;
        var finishReason = BedrockErrors.FinishReason(JsonStrings.GetString(ChatMessageParts.Get(root, "stop_reason")));
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
        switch (JsonStrings.GetString(ChatMessageParts.Get(root, "type")))
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
                    _chunks.ToolCallStart(output, index, JsonStrings.GetString(ChatMessageParts.Get(block, "id"))!, JsonStrings.GetString(ChatMessageParts.Get(block, "name"))!);
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
                    _chunks.Finish(output, BedrockErrors.FinishReason(JsonStrings.GetString(stopReason)));
                }

                break;
            case "message_stop":
                Stopped = true;
                _chunks.Usage(output, _usage);
                break;
            case "error":
                var error = ChatMessageParts.Get(root, "error");
                var type = JsonStrings.GetString(ChatMessageParts.Get(error, "type")) ?? "anthropic_error";
                throw new ProviderStreamError(type, JsonStrings.GetString(ChatMessageParts.Get(error, "message")) ?? type);
        }
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        var delta = ChatMessageParts.Get(root, "delta");
        switch (JsonStrings.GetString(ChatMessageParts.Get(delta, "type")))
        {
            case "text_delta":
                _chunks.Content(output, JsonStrings.GetString(ChatMessageParts.Get(delta, "text"))!);
                break;
            case "input_json_delta" when _toolCallByBlock.TryGetValue(ChatMessageParts.Get(root, "index").GetInt32(), out var index):
                _chunks.ToolCallArguments(output, index, JsonStrings.GetString(ChatMessageParts.Get(delta, "partial_json"))!);
                break;
            case "thinking_delta":
                _chunks.Reasoning(output, JsonStrings.GetString(ChatMessageParts.Get(delta, "thinking"))!);
                break;
        }
    }

    private static TokenUsage UsageOf(JsonElement usage) => ChatUsageJson.FromProvider(
        ChatMessageParts.Long(usage, "input_tokens"), ChatMessageParts.Long(usage, "cache_read_input_tokens"), ChatMessageParts.Long(usage, "cache_creation_input_tokens"), ChatMessageParts.Long(usage, "output_tokens"));
}
