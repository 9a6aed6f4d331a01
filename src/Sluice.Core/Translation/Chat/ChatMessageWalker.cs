using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>
/// Walks an OpenAI <c>messages</c> array for providers with content blocks (Bedrock Converse, Anthropic): system
/// and developer texts are collected for the provider's own system field; user text and <c>data:</c> images,
/// assistant text and tool calls, and tool results (consecutive tool messages as one user message) go to
/// <see cref="ChatContentWriter"/>. Anything else is refused, naming the field.
/// </summary>
internal static class ChatMessageWalker
{
    public static TranslationResult Write(JsonElement messages, Utf8JsonWriter writer, ChatContentWriter blocks, List<string> system, string provider)
    {
        writer.WriteStartArray("messages");
        var toolResultsOpen = false;
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var role = ChatMessageParts.Get(message, "role").ValueKind == JsonValueKind.String ? ChatMessageParts.Get(message, "role").GetString() : null;
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
        var text = ChatMessageParts.Text(ChatMessageParts.Get(message, "content"));
        if (text is null)
        {
            return TranslationResult.Unsupported($"messages[{index}].content", "system and developer messages may only hold text");
        }

        system.Add(text);
        return TranslationResult.Ok;
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
            return TranslationResult.Unsupported($"messages[{index}].content", "a user message needs content: a string or an array of parts");
        }

        blocks.BeginMessage(writer, "user");
        var j = 0;
        foreach (var part in content.EnumerateArray())
        {
            var type = ChatMessageParts.Get(part, "type").ValueKind == JsonValueKind.String ? ChatMessageParts.Get(part, "type").GetString() : null;
            if (type == "text")
            {
                blocks.Text(writer, ChatMessageParts.Get(part, "text").GetString() ?? string.Empty);
            }
            else if (type == "image_url")
            {
                var url = ChatMessageParts.Get(ChatMessageParts.Get(part, "image_url"), "url");
                if (!ChatMessageParts.TryParseImageDataUrl(url.ValueKind == JsonValueKind.String ? url.GetString() : null, out var format, out var data))
                {
                    return TranslationResult.Unsupported($"messages[{index}].content[{j}].image_url.url", $"{provider} takes images as data: URLs (png, jpeg, gif or webp, base64), not links");
                }

                blocks.Image(writer, format, data);
            }
            else
            {
                return TranslationResult.Unsupported($"messages[{index}].content[{j}].type", $"content part '{type}' cannot be sent to {provider} (text and image_url can)");
            }

            j++;
        }

        blocks.EndMessage(writer);
        return TranslationResult.Ok;
    }

    private static TranslationResult AssistantMessage(JsonElement message, int index, Utf8JsonWriter writer, ChatContentWriter blocks)
    {
        var text = ChatMessageParts.Text(ChatMessageParts.Get(message, "content"));
        if (text is null)
        {
            return TranslationResult.Unsupported($"messages[{index}].content", "assistant messages may only hold text");
        }

        blocks.BeginMessage(writer, "assistant");
        if (text.Length > 0)
        {
            blocks.Text(writer, text);
        }

        var toolCalls = ChatMessageParts.Get(message, "tool_calls");
        if (toolCalls.ValueKind == JsonValueKind.Array)
        {
            var j = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                var function = ChatMessageParts.Get(call, "function");
                var arguments = ChatMessageParts.Get(function, "arguments");
                var input = ChatMessageParts.ArgumentsObject(arguments.ValueKind == JsonValueKind.String ? arguments.GetString() : null);
                if (input is null)
                {
                    return TranslationResult.Unsupported($"messages[{index}].tool_calls[{j}].function.arguments", "must be a JSON object");
                }

                blocks.ToolUse(writer, ChatMessageParts.Get(call, "id").GetString(), ChatMessageParts.Get(function, "name").GetString(), input);
                j++;
            }
        }

        blocks.EndMessage(writer);
        return TranslationResult.Ok;
    }

    private static TranslationResult ToolMessage(JsonElement message, int index, Utf8JsonWriter writer, ChatContentWriter blocks, ref bool toolResultsOpen)
    {
        var text = ChatMessageParts.Text(ChatMessageParts.Get(message, "content"));
        if (text is null)
        {
            return TranslationResult.Unsupported($"messages[{index}].content", "tool messages may only hold text");
        }

        if (!toolResultsOpen)
        {
            blocks.BeginMessage(writer, "user");
            toolResultsOpen = true;
        }

        blocks.ToolResult(writer, ChatMessageParts.Get(message, "tool_call_id").GetString(), text);
        return TranslationResult.Ok;
    }
}
