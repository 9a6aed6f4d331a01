using System.Text.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Bedrock;

/// <summary>Converse's message and content-block shapes: <c>{"role", "content": [{"text"}, {"image"}, {"toolUse"}, {"toolResult"}]}</c>.</summary>
internal sealed class ConverseContent : ChatContentWriter
{
    public static readonly ConverseContent Instance = new();

    public override void Text(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("text", text);
        writer.WriteEndObject();
    }

    public override void Image(Utf8JsonWriter writer, string format, string base64)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("image");
        writer.WriteString("format", format);
        writer.WriteStartObject("source");
        writer.WriteString("bytes", base64);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override void ToolUse(Utf8JsonWriter writer, string id, string name, string inputJson)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("toolUse");
        writer.WriteString("toolUseId", id);
        writer.WriteString("name", name);
        writer.WritePropertyName("input");
        writer.WriteRawValue(inputJson, skipInputValidation: true);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override void ToolResult(Utf8JsonWriter writer, string toolCallId, string text)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("toolResult");
        writer.WriteString("toolUseId", toolCallId);
        writer.WriteStartArray("content");
        Text(writer, text);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
