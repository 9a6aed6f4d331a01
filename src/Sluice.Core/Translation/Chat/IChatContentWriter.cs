using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>How one provider writes the messages and content blocks of a translated chat request.</summary>
internal interface IChatContentWriter
{
    void BeginMessage(Utf8JsonWriter writer, string role);

    void EndMessage(Utf8JsonWriter writer);

    void Text(Utf8JsonWriter writer, string text);

    /// <summary>An image given as base64 data; <paramref name="format"/> is png, jpeg, gif or webp.</summary>
    void Image(Utf8JsonWriter writer, string format, string base64);

    /// <summary>A tool call the assistant made; <paramref name="inputJson"/> is a JSON object.</summary>
    void ToolUse(Utf8JsonWriter writer, string? id, string? name, string inputJson);

    void ToolResult(Utf8JsonWriter writer, string? toolCallId, string text);
}
