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

/// <summary>Reads <c>tools</c> and <c>tool_choice</c>; an error names the field that is not an OpenAI function tool.</summary>
internal static class ChatTools
{
    private const string EmptySchema = """{"type":"object","properties":{}}""";

    public static TranslationResult ReadTools(JsonElement tools, List<ChatTool> output)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return TranslationResult.Unsupported("tools", "tools must be an array of function tools");
        }

        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var function = ChatMessageParts.Get(tool, "function");
            if (!ChatMessageParts.Get(tool, "type").ValueEquals("function") || function.ValueKind != JsonValueKind.Object
                || ChatMessageParts.Get(function, "name").ValueKind != JsonValueKind.String)
            {
                return TranslationResult.Unsupported($"tools[{i}]", "only tools of type function with a name can be translated");
            }

            var description = ChatMessageParts.Get(function, "description");
            var parameters = ChatMessageParts.Get(function, "parameters");
            output.Add(new ChatTool(
                ChatMessageParts.Get(function, "name").GetString()!,
                description.ValueKind == JsonValueKind.String ? description.GetString() : null,
                parameters.ValueKind == JsonValueKind.Object ? parameters.GetRawText() : EmptySchema));
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
        else if (ChatMessageParts.Get(choice, "type").ValueEquals("function")
            && ChatMessageParts.Get(ChatMessageParts.Get(choice, "function"), "name") is { ValueKind: JsonValueKind.String } named)
        {
            kind = ToolChoiceKind.Named;
            name = named.GetString();
        }

        return kind == ToolChoiceKind.Unset
            ? TranslationResult.Unsupported("tool_choice", "tool_choice must be auto, required, none or {\"type\":\"function\",\"function\":{\"name\":...}}")
            : TranslationResult.Ok;
    }
}
