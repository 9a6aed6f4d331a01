using System.Buffers;
using System.Text;
using System.Text.Json;
using Sluice.Usage;

namespace Sluice.Translation.Chat;

/// <summary>The assistant message of a translated answer, gathered from the provider's content blocks.</summary>
internal sealed class ChatCompletionMessage
{
    public StringBuilder Text { get; } = new();

    public StringBuilder Reasoning { get; } = new();

    /// <summary>Tool calls with their arguments as JSON text.</summary>
    public List<(string? Id, string? Name, string Arguments)> ToolCalls { get; } = [];

    public void AddToolCall(string? id, string? name, JsonElement input) =>
        ToolCalls.Add((id, name, input.ValueKind == JsonValueKind.Undefined ? "{}" : input.GetRawText()));
}

/// <summary>
/// Writes a whole OpenAI <c>chat.completion</c> for translated providers: one choice whose message has the text
/// (null when there are only tool calls), <c>reasoning_content</c>, <c>tool_calls</c>, the finish reason and usage.
/// </summary>
internal static class ChatCompletionWriter
{
    public static void Write(IBufferWriter<byte> output, string id, long created, string model, ChatCompletionMessage message, string finishReason, TokenUsage usage)
    {
        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", created);
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        if (message.Text.Length > 0 || message.ToolCalls.Count == 0)
        {
            writer.WriteString("content", message.Text.ToString());
        }
        else
        {
            writer.WriteNull("content");
        }

        if (message.Reasoning.Length > 0)
        {
            writer.WriteString("reasoning_content", message.Reasoning.ToString());
        }

        if (message.ToolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var (callId, name, arguments) in message.ToolCalls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", callId);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", name);
                writer.WriteString("arguments", arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteString("finish_reason", finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        ChatUsageJson.Write(writer, usage);
        writer.WriteEndObject();
    }
}
