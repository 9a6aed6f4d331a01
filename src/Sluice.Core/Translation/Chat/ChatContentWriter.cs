using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>
/// How one provider writes the messages and content blocks of a translated chat request. Messages are
/// <c>{"role", "content": [blocks]}</c> for every provider so far; the block shapes differ.
/// </summary>
internal abstract class ChatContentWriter
{
    public void BeginMessage(Utf8JsonWriter writer, string role)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteStartArray("content");
    }

    public void EndMessage(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public abstract void Text(Utf8JsonWriter writer, string text);

    /// <summary>An image given as base64 data; <paramref name="format"/> is png, jpeg, gif or webp.</summary>
    public abstract void Image(Utf8JsonWriter writer, string format, string base64);

    /// <summary>A tool call the assistant made; <paramref name="inputJson"/> is a JSON object.</summary>
    public abstract void ToolUse(Utf8JsonWriter writer, string id, string name, string inputJson);

    public abstract void ToolResult(Utf8JsonWriter writer, string toolCallId, string text);
}
