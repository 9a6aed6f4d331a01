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
        if (content.ValueKind != JsonValueKind.Array || !ProviderFields.TryGetString(root, "stopReason", out var stopReason)
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

        ChatCompletionWriter.Write(output, id, created, model, message, BedrockErrors.FinishReason(stopReason), usage);
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
                _toolCallByBlock[ProviderFields.RequiredIndex(root, "contentBlockIndex")] = index;
                _chunks.ToolCallStart(output, index, ProviderFields.RequiredString(toolUse, "toolUseId"), ProviderFields.RequiredString(toolUse, "name"));
            }
        }
        else if (eventType.SequenceEqual("contentBlockDelta"u8))
        {
            Delta(root, output);
        }
        else if (eventType.SequenceEqual("messageStop"u8))
        {
            Stopped = true;
            _chunks.Finish(output, BedrockErrors.FinishReason(ProviderFields.RequiredString(root, "stopReason")));
        }
        else if (eventType.SequenceEqual("metadata"u8) && ChatMessageParts.Get(root, "usage") is { ValueKind: JsonValueKind.Object } usage)
        {
            _chunks.Usage(output, UsageOf(usage) ?? throw ProviderFields.UnreadableUsage());
        }
    }

    /// <summary>
    /// One content block of a whole answer: text, reasoning text or a tool use (other kinds, such as images and
    /// citations, have no place in a chat completion and are left out). False when a field has the wrong kind.
    /// </summary>
    private static bool AddBlock(JsonElement block, ChatCompletionMessage message)
    {
        if (block.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (block.TryGetProperty("text", out _))
        {
            if (!ProviderFields.TryGetString(block, "text", out var text))
            {
                return false;
            }

            message.Text.Append(text);
        }
        else if (block.TryGetProperty("reasoningContent", out var reasoning))
        {
            // reasoningText holds the text; redactedContent (encrypted reasoning) has none to show.
            var reasoningText = ChatMessageParts.Get(reasoning, "reasoningText");
            if (!ChatMessageParts.IsMissing(reasoningText))
            {
                if (!ProviderFields.TryGetString(reasoningText, "text", out var thought))
                {
                    return false;
                }

                message.Reasoning.Append(thought);
            }
        }
        else if (block.TryGetProperty("toolUse", out var toolUse))
        {
            if (!ProviderFields.TryGetString(toolUse, "toolUseId", out var toolUseId) || !ProviderFields.TryGetString(toolUse, "name", out var name))
            {
                return false;
            }

            message.AddToolCall(toolUseId, name, ChatMessageParts.Get(toolUse, "input"));
        }

        return true;
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        // One of text, toolUse or reasoningContent (citations and images have no place in a chunk).
        var delta = ChatMessageParts.Get(root, "delta");
        if (ChatMessageParts.Get(delta, "text").ValueKind != JsonValueKind.Undefined)
        {
            _chunks.Content(output, ProviderFields.RequiredString(delta, "text"));
        }
        else if (ChatMessageParts.Get(delta, "toolUse") is { ValueKind: not JsonValueKind.Undefined } toolUse)
        {
            var input = ProviderFields.RequiredString(toolUse, "input");
            if (_toolCallByBlock.TryGetValue(ProviderFields.RequiredIndex(root, "contentBlockIndex"), out var index))
            {
                _chunks.ToolCallArguments(output, index, input);
            }
        }
        else if (ProviderFields.OptionalString(ChatMessageParts.Get(delta, "reasoningContent"), "text") is { } reasoning)
        {
            _chunks.Reasoning(output, reasoning); // a reasoning delta may hold a signature or redacted content instead
        }
    }

    /// <summary>Converse usage with cache reads and writes in the prompt; null when it is not token counts.</summary>
    private static TokenUsage? UsageOf(JsonElement usage) => ChatUsageJson.FromProvider(usage, "inputTokens", "cacheReadInputTokens", "cacheWriteInputTokens", "outputTokens");
}
