using System.Buffers;
using System.Text.Json;
using Sluice.Json;
using Sluice.Translation.Chat;
using Sluice.Usage;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Converse and ConverseStream answers → OpenAI chat completions. Text → content, <c>toolUse</c> → tool_calls
/// (arguments as JSON text), reasoning → <c>reasoning_content</c>, stopReason → finish_reason, usage with cache
/// reads and writes counted in prompt_tokens. Streams: messageStart → role, text deltas → content, toolUse start
/// and input deltas → tool call chunks, messageStop → finish_reason, metadata → a usage chunk, then <c>[DONE]</c>.
/// Strings are read with <see cref="JsonStrings"/>: half a surrogate pair becomes U+FFFD, so the answer stays valid
/// JSON for any client (re-escaping it would pass on text that System.Text.Json, for one, refuses to read).
/// </summary>
internal sealed class ConverseResponseTranslator(string id, string model, long created) : EventStreamResponseTranslator
{
    private readonly ChatChunkWriter _chunks = new(id, model, created);
    private readonly Dictionary<int, int> _toolCallByBlock = [];

    protected override bool TranslateJson(JsonElement root, IBufferWriter<byte> output)
    {
        var content = ChatMessageParts.Get(ChatMessageParts.Get(ChatMessageParts.Get(root, "output"), "message"), "content");
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var message = new ChatCompletionMessage();
        foreach (var block in content.EnumerateArray())
        {
            if (ChatMessageParts.Get(block, "text") is { ValueKind: JsonValueKind.String } part)
            {
                message.Text.Append(JsonStrings.GetString(part));
            }
            else if (ChatMessageParts.Get(ChatMessageParts.Get(ChatMessageParts.Get(block, "reasoningContent"), "reasoningText"), "text") is { ValueKind: JsonValueKind.String } thought)
            {
                message.Reasoning.Append(JsonStrings.GetString(thought));
            }
            else if (ChatMessageParts.Get(block, "toolUse") is { ValueKind: JsonValueKind.Object } toolUse)
            {
                message.AddToolCall(JsonStrings.GetString(ChatMessageParts.Get(toolUse, "toolUseId")), JsonStrings.GetString(ChatMessageParts.Get(toolUse, "name")), ChatMessageParts.Get(toolUse, "input"));
            }
        }

        var finishReason = BedrockErrors.FinishReason(JsonStrings.GetString(ChatMessageParts.Get(root, "stopReason")));
        ChatCompletionWriter.Write(output, id, created, model, message, finishReason, UsageOf(ChatMessageParts.Get(root, "usage")));
        return true;
    }

    protected override void TranslateEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        using var document = ParseJson(payload);
        var root = document.RootElement;
        if (eventType.SequenceEqual("messageStart"u8))
        {
            _chunks.Role(output);
        }
        else if (eventType.SequenceEqual("contentBlockStart"u8))
        {
            var toolUse = ChatMessageParts.Get(ChatMessageParts.Get(root, "start"), "toolUse");
            if (toolUse.ValueKind == JsonValueKind.Object)
            {
                var index = _toolCallByBlock.Count;
                _toolCallByBlock[ChatMessageParts.Get(root, "contentBlockIndex").GetInt32()] = index;
                _chunks.ToolCallStart(output, index, JsonStrings.GetString(ChatMessageParts.Get(toolUse, "toolUseId"))!, JsonStrings.GetString(ChatMessageParts.Get(toolUse, "name"))!);
            }
        }
        else if (eventType.SequenceEqual("contentBlockDelta"u8))
        {
            Delta(root, output);
        }
        else if (eventType.SequenceEqual("messageStop"u8))
        {
            Stopped = true;
            _chunks.Finish(output, BedrockErrors.FinishReason(JsonStrings.GetString(ChatMessageParts.Get(root, "stopReason"))));
        }
        else if (eventType.SequenceEqual("metadata"u8) && ChatMessageParts.Get(root, "usage").ValueKind == JsonValueKind.Object)
        {
            _chunks.Usage(output, UsageOf(ChatMessageParts.Get(root, "usage")));
        }
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        var delta = ChatMessageParts.Get(root, "delta");
        if (ChatMessageParts.Get(delta, "text") is { ValueKind: JsonValueKind.String } text)
        {
            _chunks.Content(output, JsonStrings.GetString(text)!);
        }
        else if (ChatMessageParts.Get(ChatMessageParts.Get(delta, "toolUse"), "input") is { ValueKind: JsonValueKind.String } input
            && _toolCallByBlock.TryGetValue(ChatMessageParts.Get(root, "contentBlockIndex").GetInt32(), out var index))
        {
            _chunks.ToolCallArguments(output, index, JsonStrings.GetString(input)!);
        }
        else if (ChatMessageParts.Get(ChatMessageParts.Get(delta, "reasoningContent"), "text") is { ValueKind: JsonValueKind.String } reasoning)
        {
            _chunks.Reasoning(output, JsonStrings.GetString(reasoning)!);
        }
    }

    private static TokenUsage UsageOf(JsonElement usage) => ChatUsageJson.FromProvider(
        ChatMessageParts.Long(usage, "inputTokens"), ChatMessageParts.Long(usage, "cacheReadInputTokens"), ChatMessageParts.Long(usage, "cacheWriteInputTokens"), ChatMessageParts.Long(usage, "outputTokens"));
}
