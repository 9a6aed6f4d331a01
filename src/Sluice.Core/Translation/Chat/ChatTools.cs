using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>One OpenAI function tool: its name, description and JSON-schema parameters (raw JSON).</summary>
internal readonly record struct ChatTool(string Name, string? Description, string Parameters);

internal enum ToolChoiceKind
{
    Unset,
    Auto,
    Required,
    None,
    Named,
}

/// <summary>
/// Reads <c>tools</c> and <c>tool_choice</c>; an error names the field: a 422 for a tool or choice the provider has
/// no equivalent for, a 400 for a value of a JSON type OpenAI's API does not allow there.
/// </summary>
internal static class ChatTools
{
    private const string EmptySchema = """{"type":"object","properties":{}}""";

    public static TranslationResult ReadTools(JsonElement tools, List<ChatTool> output)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return TranslationResult.WrongType("tools", "an array", tools);
        }

        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var result = ReadTool(tool, i, out var read);
            if (!result.Succeeded)
            {
                return result;
            }

            output.Add(read);
            i++;
        }

        return TranslationResult.Ok;
    }

    public static TranslationResult ReadChoice(JsonElement choice, out ToolChoiceKind kind, out string? name)
    {
        name = null;
        kind = ToolChoiceKind.Unset;
        if (ChatMessageParts.IsMissing(choice))
        {
            return TranslationResult.Ok;
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            kind = choice.GetString() switch
            {
                "auto" => ToolChoiceKind.Auto,
                "required" => ToolChoiceKind.Required,
                "none" => ToolChoiceKind.None,
                _ => ToolChoiceKind.Unset,
            };
        }
        else if (choice.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType("tool_choice", "a string or an object", choice);
        }
        else
        {
            var type = ChatMessageParts.Get(choice, "type");
            if (type.ValueKind != JsonValueKind.String)
            {
                return TranslationResult.WrongType("tool_choice.type", "a string", type);
            }

            if (type.ValueEquals("function"))
            {
                var result = ChatMessageParts.Function(choice, "tool_choice", out _, out var named);
                if (!result.Succeeded)
                {
                    return result;
                }

                kind = ToolChoiceKind.Named;
                name = named;
            }
        }

        return kind == ToolChoiceKind.Unset
            ? TranslationResult.Unsupported("tool_choice", "tool_choice must be auto, required, none or {\"type\":\"function\",\"function\":{\"name\":...}}")
            : TranslationResult.Ok;
    }

    /// <summary>One function tool; a 400 naming the field that has the wrong JSON type, a 422 for another kind of tool.</summary>
    private static TranslationResult ReadTool(JsonElement tool, int i, out ChatTool read)
    {
        read = default;
        if (tool.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType($"tools[{i}]", "an object", tool);
        }

        var type = ChatMessageParts.Get(tool, "type");
        if (type.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType($"tools[{i}].type", "a string", type);
        }

        if (!type.ValueEquals("function"))
        {
            return TranslationResult.Unsupported($"tools[{i}]", "only tools of type function can be translated");
        }

        var named = ChatMessageParts.Function(tool, $"tools[{i}]", out var function, out var name);
        if (!named.Succeeded)
        {
            return named;
        }

        var description = ChatMessageParts.Get(function, "description");
        if (!ChatMessageParts.IsMissing(description) && description.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType($"tools[{i}].function.description", "a string", description);
        }

        var parameters = ChatMessageParts.Get(function, "parameters");
        if (!ChatMessageParts.IsMissing(parameters) && parameters.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType($"tools[{i}].function.parameters", "an object (a JSON schema)", parameters);
        }

        read = new ChatTool(
            name,
            ChatMessageParts.IsMissing(description) ? null : description.GetString(),
            ChatMessageParts.IsMissing(parameters) ? EmptySchema : parameters.GetRawText());
        return TranslationResult.Ok;
    }
}
