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
    private long _input;
    private long _cacheRead;
    private long _cacheWrite;
    private long _output;

    protected override bool TranslateJson(JsonElement root, IBufferWriter<byte> output)
    {
        var content = ChatMessageParts.Get(root, "content");
        if (content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var text = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        var toolCalls = 0;
        foreach (var block in content.EnumerateArray())
        {
            switch (ChatMessageParts.Get(block, "type").GetString())
            {
                case "text":
                    text.Append(ChatMessageParts.Get(block, "text").GetString());
                    break;
                case "thinking":
                    reasoning.Append(ChatMessageParts.Get(block, "thinking").GetString());
                    break;
                case "tool_use":
                    toolCalls++;
                    break;
            }
        }

        using var writer = new Utf8JsonWriter(output, BedrockTranslator.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", ChatMessageParts.Get(root, "id") is { ValueKind: JsonValueKind.String } messageId ? messageId.GetString() : id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
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
            WriteToolCalls(writer, content);
        }

        writer.WriteEndObject();
        writer.WriteString("finish_reason", BedrockErrors.FinishReason(ChatMessageParts.Get(root, "stop_reason").GetString()));
        writer.WriteEndObject();
        writer.WriteEndArray();
        var usage = ChatMessageParts.Get(root, "usage");
        ChatUsageJson.Write(writer, ChatUsageJson.FromProvider(
            Number(usage, "input_tokens"), Number(usage, "cache_read_input_tokens"), Number(usage, "cache_creation_input_tokens"), Number(usage, "output_tokens")));
        writer.WriteEndObject();
        return true;
    }

    protected override void TranslateEvent(string? eventType, byte[] payload, IBufferWriter<byte> output)
    {
        if (eventType != "chunk")
        {
            return;
        }

        using var frame = JsonDocument.Parse(payload);
        var bytes = Convert.FromBase64String(ChatMessageParts.Get(frame.RootElement, "bytes").GetString() ?? string.Empty);
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        switch (ChatMessageParts.Get(root, "type").GetString())
        {
            case "message_start":
                var usage = ChatMessageParts.Get(ChatMessageParts.Get(root, "message"), "usage");
                _input = Number(usage, "input_tokens");
                _cacheRead = Number(usage, "cache_read_input_tokens");
                _cacheWrite = Number(usage, "cache_creation_input_tokens");
                _output = Number(usage, "output_tokens");
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
                    _output = outputTokens.GetInt64();
                }

                var stopReason = ChatMessageParts.Get(ChatMessageParts.Get(root, "delta"), "stop_reason");
                if (stopReason.ValueKind == JsonValueKind.String)
                {
                    _chunks.Finish(output, BedrockErrors.FinishReason(stopReason.GetString()));
                }

                break;
            case "message_stop":
                Stopped = true;
                _chunks.Usage(output, ChatUsageJson.FromProvider(_input, _cacheRead, _cacheWrite, _output));
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

    private static void WriteToolCalls(Utf8JsonWriter writer, JsonElement content)
    {
        writer.WriteStartArray("tool_calls");
        foreach (var block in content.EnumerateArray())
        {
            if (!ChatMessageParts.Get(block, "type").ValueEquals("tool_use"))
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("id", ChatMessageParts.Get(block, "id").GetString());
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", ChatMessageParts.Get(block, "name").GetString());
            var input = ChatMessageParts.Get(block, "input");
            writer.WriteString("arguments", input.ValueKind == JsonValueKind.Undefined ? "{}" : input.GetRawText());
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static long Number(JsonElement element, string name) =>
        ChatMessageParts.Get(element, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : 0;
}
