using System.Buffers;
using System.Text.Json;
using Sluice.Translation.Chat;
using Sluice.Usage;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Converse and ConverseStream answers → OpenAI chat completions. Text → content, <c>toolUse</c> → tool_calls
/// (arguments as JSON text), reasoning → <c>reasoning_content</c>, stopReason → finish_reason, usage with cache
/// reads and writes counted in prompt_tokens. Streams: messageStart → role, text deltas → content, toolUse start
/// and input deltas → tool call chunks, messageStop → finish_reason, metadata → a usage chunk, then <c>[DONE]</c>.
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

        using var writer = new Utf8JsonWriter(output, BedrockTranslator.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        WriteMessage(writer, content);
        writer.WriteString("finish_reason", BedrockErrors.FinishReason(ChatMessageParts.Get(root, "stopReason").GetString()));
        writer.WriteEndObject();
        writer.WriteEndArray();
        ChatUsageJson.Write(writer, UsageOf(ChatMessageParts.Get(root, "usage")));
        writer.WriteEndObject();

        return true;
    }

    protected override void TranslateEvent(string? eventType, byte[] payload, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        switch (eventType)
        {
            case "messageStart":
                _chunks.Role(output);
                break;
            case "contentBlockStart":
                var toolUse = ChatMessageParts.Get(ChatMessageParts.Get(root, "start"), "toolUse");
                if (toolUse.ValueKind == JsonValueKind.Object)
                {
                    var index = _toolCallByBlock.Count;
                    _toolCallByBlock[ChatMessageParts.Get(root, "contentBlockIndex").GetInt32()] = index;
                    _chunks.ToolCallStart(output, index, ChatMessageParts.Get(toolUse, "toolUseId").GetString()!, ChatMessageParts.Get(toolUse, "name").GetString()!);
                }

                break;
            case "contentBlockDelta":
                Delta(root, output);
                break;
            case "messageStop":
                Stopped = true;
                _chunks.Finish(output, BedrockErrors.FinishReason(ChatMessageParts.Get(root, "stopReason").GetString()));
                break;
            case "metadata":
                if (ChatMessageParts.Get(root, "usage").ValueKind == JsonValueKind.Object)
                {
                    _chunks.Usage(output, UsageOf(ChatMessageParts.Get(root, "usage")));
                }

                break;
        }
    }

    private void Delta(JsonElement root, IBufferWriter<byte> output)
    {
        var delta = ChatMessageParts.Get(root, "delta");
        if (ChatMessageParts.Get(delta, "text") is { ValueKind: JsonValueKind.String } text)
        {
            _chunks.Content(output, text.GetString()!);
        }
        else if (ChatMessageParts.Get(ChatMessageParts.Get(delta, "toolUse"), "input") is { ValueKind: JsonValueKind.String } input
            && _toolCallByBlock.TryGetValue(ChatMessageParts.Get(root, "contentBlockIndex").GetInt32(), out var index))
        {
            _chunks.ToolCallArguments(output, index, input.GetString()!);
        }
        else if (ChatMessageParts.Get(ChatMessageParts.Get(delta, "reasoningContent"), "text") is { ValueKind: JsonValueKind.String } reasoning)
        {
            _chunks.Reasoning(output, reasoning.GetString()!);
        }
    }

    private static void WriteMessage(Utf8JsonWriter writer, JsonElement content)
    {
        var text = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        var toolCalls = 0;
        foreach (var block in content.EnumerateArray())
        {
            if (ChatMessageParts.Get(block, "text") is { ValueKind: JsonValueKind.String } part)
            {
                text.Append(part.GetString());
            }
            else if (ChatMessageParts.Get(ChatMessageParts.Get(ChatMessageParts.Get(block, "reasoningContent"), "reasoningText"), "text") is { ValueKind: JsonValueKind.String } thought)
            {
                reasoning.Append(thought.GetString());
            }
            else if (ChatMessageParts.Get(block, "toolUse").ValueKind == JsonValueKind.Object)
            {
                toolCalls++;
            }
        }

        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        if (text.Length > 0 || toolCalls == 0)
        {
            writer.WriteString("content", text.ToString());
        }
        else
        {
            writer.WriteNull("content");
        }

        if (reasoning.Length > 0)
        {
            writer.WriteString("reasoning_content", reasoning.ToString());
        }

        if (toolCalls > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var block in content.EnumerateArray())
            {
                var toolUse = ChatMessageParts.Get(block, "toolUse");
                if (toolUse.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("id", ChatMessageParts.Get(toolUse, "toolUseId").GetString());
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", ChatMessageParts.Get(toolUse, "name").GetString());
                var input = ChatMessageParts.Get(toolUse, "input");
                writer.WriteString("arguments", input.ValueKind == JsonValueKind.Undefined ? "{}" : input.GetRawText());
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static TokenUsage UsageOf(JsonElement usage) => ChatUsageJson.FromProvider(
        Number(usage, "inputTokens"), Number(usage, "cacheReadInputTokens"), Number(usage, "cacheWriteInputTokens"), Number(usage, "outputTokens"));

    private static long Number(JsonElement element, string name) =>
        ChatMessageParts.Get(element, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : 0;
}
