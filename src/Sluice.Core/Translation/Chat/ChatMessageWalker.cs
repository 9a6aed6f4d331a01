using System.Text;
using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>
/// Walks an OpenAI <c>messages</c> array for providers with content blocks (Bedrock Converse, Anthropic): system
/// and developer texts are collected for the provider's own system field; user text and <c>data:</c> images,
/// assistant text and tool calls, and tool results (consecutive tool messages as one user message) go to
/// <see cref="ChatContentWriter"/>. What the provider cannot take is refused (a 422), and a value of a JSON type
/// OpenAI's API does not allow is a 400; both name the field. Kinds are checked before a value is read, so no
/// <see cref="JsonElement"/> accessor throws on a client's mistake.
/// </summary>
internal static class ChatMessageWalker
{
    private const string StringOrParts = "a string or an array of content parts";

    public static TranslationResult Write(JsonElement messages, Utf8JsonWriter writer, ChatContentWriter blocks, List<string> system, string provider)
    {
        writer.WriteStartArray("messages");
        var toolResultsOpen = false;
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return TranslationResult.WrongType($"messages[{i}]", "an object", message);
            }

            var roleElement = ChatMessageParts.Get(message, "role");
            if (roleElement.ValueKind != JsonValueKind.String)
            {
                return TranslationResult.WrongType($"messages[{i}].role", "a string", roleElement);
            }

            var role = roleElement.GetString();
            if (role != "tool" && toolResultsOpen)
            {
                blocks.EndMessage(writer);
                toolResultsOpen = false;
            }

            var result = role switch
            {
                "system" or "developer" => SystemMessage(message, i, system),
                "user" => UserMessage(message, i, writer, blocks, provider),
                "assistant" => AssistantMessage(message, i, writer, blocks),
                "tool" => ToolMessage(message, i, writer, blocks, ref toolResultsOpen),
                _ => TranslationResult.Unsupported($"messages[{i}].role", $"role '{role}' is not a chat role (system, developer, user, assistant, tool)"),
            };
            if (!result.Succeeded)
            {
                return result;
            }

            i++;
        }

        if (toolResultsOpen)
        {
            blocks.EndMessage(writer);
        }

        writer.WriteEndArray();
        return TranslationResult.Ok;
    }

    private static TranslationResult SystemMessage(JsonElement message, int index, List<string> system)
    {
        var result = ReadText(message, index, "system and developer messages may only hold text", out var text);
        if (result.Succeeded)
        {
            system.Add(text);
        }

        return result;
    }

    private static TranslationResult UserMessage(JsonElement message, int index, Utf8JsonWriter writer, ChatContentWriter blocks, string provider)
    {
        var content = ChatMessageParts.Get(message, "content");
        if (content.ValueKind == JsonValueKind.String)
        {
            blocks.BeginMessage(writer, "user");
            blocks.Text(writer, content.GetString()!);
            blocks.EndMessage(writer);
            return TranslationResult.Ok;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return TranslationResult.WrongType($"messages[{index}].content", StringOrParts, content);
        }

        blocks.BeginMessage(writer, "user");
        var j = 0;
        foreach (var part in content.EnumerateArray())
        {
            var result = PartType(part, index, j, out var type);
            if (result.Succeeded)
            {
                result = type switch
                {
                    "text" => TextPart(part, index, j, writer, blocks),
                    "image_url" => ImagePart(part, index, j, writer, blocks, provider),
                    _ => TranslationResult.Unsupported($"messages[{index}].content[{j}].type", $"content part '{type}' cannot be sent to {provider} (text and image_url can)"),
                };
            }

            if (!result.Succeeded)
            {
                return result;
            }

            j++;
        }

        blocks.EndMessage(writer);
        return TranslationResult.Ok;
    }

    private static TranslationResult TextPart(JsonElement part, int index, int j, Utf8JsonWriter writer, ChatContentWriter blocks)
    {
        var text = ChatMessageParts.Get(part, "text");
        if (text.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType($"messages[{index}].content[{j}].text", "a string", text);
        }

        blocks.Text(writer, text.GetString()!);
        return TranslationResult.Ok;
    }

    private static TranslationResult ImagePart(JsonElement part, int index, int j, Utf8JsonWriter writer, ChatContentWriter blocks, string provider)
    {
        var image = ChatMessageParts.Get(part, "image_url");
        if (image.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType($"messages[{index}].content[{j}].image_url", "an object", image);
        }

        var url = ChatMessageParts.Get(image, "url");
        if (url.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType($"messages[{index}].content[{j}].image_url.url", "a string", url);
        }

        if (!ChatMessageParts.TryParseImageDataUrl(url.GetString(), out var format, out var data))
        {
            return TranslationResult.Unsupported($"messages[{index}].content[{j}].image_url.url", $"{provider} takes images as data: URLs (png, jpeg, gif or webp, base64), not links");
        }

        blocks.Image(writer, format, data);
        return TranslationResult.Ok;
    }

    private static TranslationResult AssistantMessage(JsonElement message, int index, Utf8JsonWriter writer, ChatContentWriter blocks)
    {
        var result = ReadText(message, index, "assistant messages may only hold text", out var text);
        if (!result.Succeeded)
        {
            return result;
        }

        var toolCalls = ChatMessageParts.Get(message, "tool_calls");
        if (!ChatMessageParts.IsMissing(toolCalls) && toolCalls.ValueKind != JsonValueKind.Array)
        {
            return TranslationResult.WrongType($"messages[{index}].tool_calls", "an array", toolCalls);
        }

        blocks.BeginMessage(writer, "assistant");
        if (text.Length > 0)
        {
            blocks.Text(writer, text);
        }

        if (toolCalls.ValueKind == JsonValueKind.Array)
        {
            var j = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                result = ToolCall(call, index, j, writer, blocks);
                if (!result.Succeeded)
                {
                    return result;
                }

                j++;
            }
        }

        blocks.EndMessage(writer);
        return TranslationResult.Ok;
    }

    /// <summary>One of an assistant's <c>tool_calls</c>: its id, function name and <c>arguments</c> (JSON object text) as a tool use block.</summary>
    private static TranslationResult ToolCall(JsonElement call, int index, int j, Utf8JsonWriter writer, ChatContentWriter blocks)
    {
        var at = $"messages[{index}].tool_calls[{j}]";
        if (call.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType(at, "an object", call);
        }

        var id = ChatMessageParts.Get(call, "id");
        if (id.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType(at + ".id", "a string", id);
        }

        var result = ChatMessageParts.Function(call, at, out var function, out var name);
        if (!result.Succeeded)
        {
            return result;
        }

        var arguments = ChatMessageParts.Get(function, "arguments");
        if (!ChatMessageParts.IsMissing(arguments) && arguments.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType(at + ".function.arguments", "a string (the arguments as JSON text)", arguments);
        }

        var input = ChatMessageParts.ArgumentsObject(ChatMessageParts.IsMissing(arguments) ? null : arguments.GetString());
        if (input is null)
        {
            return TranslationResult.Unsupported(at + ".function.arguments", "must be a JSON object");
        }

        blocks.ToolUse(writer, id.GetString()!, name, input);
        return TranslationResult.Ok;
    }

    private static TranslationResult ToolMessage(JsonElement message, int index, Utf8JsonWriter writer, ChatContentWriter blocks, ref bool toolResultsOpen)
    {
        var result = ReadText(message, index, "tool messages may only hold text", out var text);
        if (!result.Succeeded)
        {
            return result;
        }

        var toolCallId = ChatMessageParts.Get(message, "tool_call_id");
        if (toolCallId.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType($"messages[{index}].tool_call_id", "a string", toolCallId);
        }

        if (!toolResultsOpen)
        {
            blocks.BeginMessage(writer, "user");
            toolResultsOpen = true;
        }

        blocks.ToolResult(writer, toolCallId.GetString()!, text);
        return TranslationResult.Ok;
    }

    /// <summary>
    /// The text of a system, developer, assistant or tool message: its <c>content</c> as a string, the text of an
    /// array of <c>text</c> (or <c>refusal</c>) parts, or empty when there is none. Another part is the 422
    /// <paramref name="onlyText"/>.
    /// </summary>
    private static TranslationResult ReadText(JsonElement message, int index, string onlyText, out string text)
    {
        text = string.Empty;
        var content = ChatMessageParts.Get(message, "content");
        if (content.ValueKind == JsonValueKind.String)
        {
            text = content.GetString()!;
            return TranslationResult.Ok;
        }

        if (ChatMessageParts.IsMissing(content))
        {
            return TranslationResult.Ok;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return TranslationResult.WrongType($"messages[{index}].content", StringOrParts, content);
        }

        var builder = new StringBuilder();
        var j = 0;
        foreach (var part in content.EnumerateArray())
        {
            var result = PartType(part, index, j, out var type);
            if (!result.Succeeded)
            {
                return result;
            }

            if (type is not ("text" or "refusal"))
            {
                return TranslationResult.Unsupported($"messages[{index}].content", onlyText);
            }

            var value = ChatMessageParts.Get(part, type);
            if (value.ValueKind != JsonValueKind.String)
            {
                return TranslationResult.WrongType($"messages[{index}].content[{j}].{type}", "a string", value);
            }

            builder.Append(value.GetString());
            j++;
        }

        text = builder.ToString();
        return TranslationResult.Ok;
    }

    /// <summary>A content part's <c>type</c>; a 400 when the part is not an object or its type not a string.</summary>
    private static TranslationResult PartType(JsonElement part, int index, int j, out string? type)
    {
        type = null;
        if (part.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType($"messages[{index}].content[{j}]", "an object", part);
        }

        var typeElement = ChatMessageParts.Get(part, "type");
        if (typeElement.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType($"messages[{index}].content[{j}].type", "a string", typeElement);
        }

        type = typeElement.GetString();
        return TranslationResult.Ok;
    }
}
