using System.Text.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// OpenAI chat request → Bedrock Converse request: system and developer messages → <c>system</c>; user text and
/// <c>data:</c> images → content blocks; assistant tool calls → <c>toolUse</c>; consecutive tool messages → one user
/// message of <c>toolResult</c> blocks; sampling fields → <c>inferenceConfig</c>; tools → <c>toolConfig</c>;
/// reasoning → <c>additionalModelRequestFields</c>. A field with no Converse equivalent is refused, never dropped.
/// </summary>
internal static class ConverseRequestWriter
{
    public static TranslationResult Write(JsonElement request, string upstreamModel, Utf8JsonWriter writer)
    {
        var known = ChatRequestFields.CheckSupported(request, "AWS Bedrock Converse");
        if (!known.Succeeded)
        {
            return known;
        }

        writer.WriteStartObject();
        var system = new List<string>();
        var result = ChatMessageWalker.Write(ChatMessageParts.Get(request, "messages"), writer, ConverseContent.Instance, system, "Bedrock");
        if (!result.Succeeded)
        {
            return result;
        }

        if (system.Count > 0)
        {
            writer.WriteStartArray("system");
            foreach (var text in system)
            {
                writer.WriteStartObject();
                writer.WriteString("text", text);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        result = InferenceConfig(request, writer);
        if (result.Succeeded)
        {
            result = ToolConfig(request, writer);
        }

        if (result.Succeeded)
        {
            result = Reasoning(request, upstreamModel, writer);
        }

        writer.WriteEndObject();
        return result;
    }

    /// <summary>The sampling fields, written as sent: <see cref="ChatRequestFields.CheckSupported"/> checked their JSON types.</summary>
    private static TranslationResult InferenceConfig(JsonElement request, Utf8JsonWriter writer)
    {
        var maxTokens = ChatRequestFields.MaxTokens(request);

        var temperature = ChatMessageParts.Get(request, "temperature");
        var topP = ChatMessageParts.Get(request, "top_p");
        var result = ChatMessageParts.StopSequences(ChatMessageParts.Get(request, "stop"), out var stop);
        if (!result.Succeeded)
        {
            return result;
        }

        if (ChatMessageParts.IsMissing(maxTokens) && ChatMessageParts.IsMissing(temperature) && ChatMessageParts.IsMissing(topP) && stop is null)
        {
            return TranslationResult.Ok;
        }

        writer.WriteStartObject("inferenceConfig");
        if (!ChatMessageParts.IsMissing(maxTokens))
        {
            writer.WritePropertyName("maxTokens");
            maxTokens.WriteTo(writer);
        }

        if (!ChatMessageParts.IsMissing(temperature))
        {
            writer.WritePropertyName("temperature");
            temperature.WriteTo(writer);
        }

        if (!ChatMessageParts.IsMissing(topP))
        {
            writer.WritePropertyName("topP");
            topP.WriteTo(writer);
        }

        if (stop is not null)
        {
            writer.WriteStartArray("stopSequences");
            foreach (var sequence in stop)
            {
                writer.WriteStringValue(sequence);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return TranslationResult.Ok;
    }

    private static TranslationResult ToolConfig(JsonElement request, Utf8JsonWriter writer)
    {
        var toolsElement = ChatMessageParts.Get(request, "tools");
        if (ChatMessageParts.IsMissing(toolsElement))
        {
            return TranslationResult.Ok;
        }

        var tools = new List<ChatTool>();
        var result = ChatTools.ReadTools(toolsElement, tools);
        if (result.Succeeded)
        {
            result = ChatTools.ReadChoice(ChatMessageParts.Get(request, "tool_choice"), out var choice, out var choiceName);
            if (choice == ToolChoiceKind.None)
            {
                return TranslationResult.Unsupported("tool_choice", "Bedrock Converse has no tool_choice none: leave the tools out of this request instead");
            }

            if (result.Succeeded && tools.Count > 0)
            {
                WriteToolConfig(writer, tools, choice, choiceName);
            }
        }

        return result;
    }

    private static void WriteToolConfig(Utf8JsonWriter writer, List<ChatTool> tools, ToolChoiceKind choice, string? choiceName)
    {
        writer.WriteStartObject("toolConfig");
        writer.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("toolSpec");
            writer.WriteString("name", tool.Name);
            if (tool.Description is not null)
            {
                writer.WriteString("description", tool.Description);
            }

            writer.WriteStartObject("inputSchema");
            writer.WritePropertyName("json");
            writer.WriteRawValue(tool.Parameters, skipInputValidation: true);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (choice != ToolChoiceKind.Unset)
        {
            writer.WriteStartObject("toolChoice");
            writer.WriteStartObject(choice switch { ToolChoiceKind.Required => "any", ToolChoiceKind.Named => "tool", _ => "auto" });
            if (choice == ToolChoiceKind.Named)
            {
                writer.WriteString("name", choiceName);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// <c>reasoning_effort</c> for Anthropic models on Bedrock becomes extended thinking with a token budget; for
    /// other models (Amazon Nova) Bedrock's <c>reasoningConfig</c>. A <c>thinking</c> object passes as given.
    /// </summary>
    private static TranslationResult Reasoning(JsonElement request, string upstreamModel, Utf8JsonWriter writer)
    {
        var effort = ChatMessageParts.Get(request, "reasoning_effort");
        var thinking = ChatMessageParts.Get(request, "thinking");
        if (ChatMessageParts.IsMissing(effort) && ChatMessageParts.IsMissing(thinking))
        {
            return TranslationResult.Ok;
        }

        var level = ChatMessageParts.IsMissing(effort) ? null : effort.GetString();
        var budget = ReasoningBudget.Tokens(level);
        if (level is not null && budget is null)
        {
            return TranslationResult.Unsupported("reasoning_effort", $"'{level}' is not a reasoning effort (minimal, low, medium, high)");
        }

        writer.WriteStartObject("additionalModelRequestFields");
        if (!ChatMessageParts.IsMissing(thinking))
        {
            writer.WritePropertyName("thinking");
            thinking.WriteTo(writer);
        }
        else if (upstreamModel.Contains("anthropic", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteStartObject("thinking");
            writer.WriteString("type", "enabled");
            writer.WriteNumber("budget_tokens", budget!.Value);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartObject("reasoningConfig");
            writer.WriteString("type", "enabled");
            writer.WriteString("maxReasoningEffort", level == "minimal" ? "low" : level);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        return TranslationResult.Ok;
    }
}
