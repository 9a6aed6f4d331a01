using System.Text.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Anthropic;

/// <summary>
/// The Anthropic Messages API's message and content-block shapes: <c>text</c>, <c>image</c> (base64 source),
/// <c>tool_use</c> and <c>tool_result</c>.
/// </summary>
internal sealed class AnthropicContent : ChatContentWriter
{
    public static readonly AnthropicContent Instance = new();

    public override void Text(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    public override void Image(Utf8JsonWriter writer, string format, string base64)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "image");
        writer.WriteStartObject("source");
        writer.WriteString("type", "base64");
        writer.WriteString("media_type", "image/" + format);
        writer.WriteString("data", base64);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override void ToolUse(Utf8JsonWriter writer, string id, string name, string inputJson)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "tool_use");
        writer.WriteString("id", id);
        writer.WriteString("name", name);
        writer.WritePropertyName("input");
        writer.WriteRawValue(inputJson, skipInputValidation: true);
        writer.WriteEndObject();
    }

    public override void ToolResult(Utf8JsonWriter writer, string toolCallId, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "tool_result");
        writer.WriteString("tool_use_id", toolCallId);
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }
}
