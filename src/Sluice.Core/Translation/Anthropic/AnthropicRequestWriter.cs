using System.Text.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Anthropic;

/// <summary>
/// OpenAI chat request → Anthropic Messages body for Bedrock's InvokeModel: <c>anthropic_version</c>,
/// <c>max_tokens</c> (required by Anthropic: the request's, else <see cref="DefaultMaxTokens"/> plus any thinking
/// budget), <c>system</c>,
/// <c>messages</c>, sampling fields, <c>tools</c>, <c>tool_choice</c> and <c>thinking</c>. No <c>model</c> or
/// <c>stream</c>: Bedrock takes both from the path.
/// </summary>
internal static class AnthropicRequestWriter
{
    /// <summary>What Sluice sends as <c>max_tokens</c> when the client set none (Anthropic has no default).</summary>
    public const int DefaultMaxTokens = 4096;

    public static TranslationResult Write(JsonElement request, string anthropicVersion, Utf8JsonWriter writer)
    {
        var result = ChatRequestFields.CheckSupported(request, "Anthropic Messages");
        if (!result.Succeeded)
        {
            return result;
        }

        writer.WriteStartObject();
        writer.WriteString("anthropic_version", anthropicVersion);
        var system = new List<string>();
        result = ChatMessageWalker.Write(ChatMessageParts.Get(request, "messages"), writer, AnthropicContent.Instance, system, "Anthropic on Bedrock");
        if (!result.Succeeded)
        {
            return result;
        }

        if (system.Count > 0)
        {
            writer.WriteStartArray("system");
            foreach (var text in system)
            {
                AnthropicContent.Instance.Text(writer, text);
            }

            writer.WriteEndArray();
        }

        result = Sampling(request, writer, ThinkingBudget(request));
        if (result.Succeeded)
        {
            result = Tools(request, writer);
        }

        if (result.Succeeded)
        {
            result = Thinking(request, writer);
        }

        writer.WriteEndObject();
        return result;
    }

    /// <summary>The sampling fields, written as sent: <see cref="ChatRequestFields.CheckSupported"/> checked their JSON types.</summary>
    private static TranslationResult Sampling(JsonElement request, Utf8JsonWriter writer, int thinkingBudget)
    {
        var maxTokens = ChatRequestFields.MaxTokens(request);
        if (ChatMessageParts.IsMissing(maxTokens))
        {
            // Anthropic counts thinking inside max_tokens and requires max_tokens above the budget.
            writer.WriteNumber("max_tokens", DefaultMaxTokens + thinkingBudget);
        }
        else
        {
            writer.WritePropertyName("max_tokens");
            maxTokens.WriteTo(writer);
        }

        foreach (var (from, to) in new[] { ("temperature", "temperature"), ("top_p", "top_p") })
        {
            var value = ChatMessageParts.Get(request, from);
            if (!ChatMessageParts.IsMissing(value))
            {
                writer.WritePropertyName(to);
                value.WriteTo(writer);
            }
        }

        if (ChatMessageParts.Get(request, "user") is { ValueKind: JsonValueKind.String } user)
        {
            writer.WriteStartObject("metadata");
            writer.WriteString("user_id", user.GetString());
            writer.WriteEndObject();
        }

        var result = ChatMessageParts.StopSequences(ChatMessageParts.Get(request, "stop"), out var stop);
        if (!result.Succeeded || stop is null)
        {
            return result;
        }

        writer.WriteStartArray("stop_sequences");
        foreach (var sequence in stop)
        {
            writer.WriteStringValue(sequence);
        }

        writer.WriteEndArray();
        return TranslationResult.Ok;
    }

    private static TranslationResult Tools(JsonElement request, Utf8JsonWriter writer)
    {
        var toolsElement = ChatMessageParts.Get(request, "tools");
        if (ChatMessageParts.IsMissing(toolsElement))
        {
            return TranslationResult.Ok;
        }

        var tools = new List<ChatTool>();
        var result = ChatTools.ReadTools(toolsElement, tools);
        if (!result.Succeeded)
        {
            return result;
        }

        result = ChatTools.ReadChoice(ChatMessageParts.Get(request, "tool_choice"), out var choice, out var choiceName);
        if (!result.Succeeded || tools.Count == 0)
        {
            return result;
        }

        writer.WriteStartArray("tools");
        foreach (var tool in tools)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            if (tool.Description is not null)
            {
                writer.WriteString("description", tool.Description);
            }

            writer.WritePropertyName("input_schema");
            writer.WriteRawValue(tool.Parameters, skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (choice != ToolChoiceKind.Unset)
        {
            writer.WriteStartObject("tool_choice");
            writer.WriteString("type", choice switch { ToolChoiceKind.Required => "any", ToolChoiceKind.Named => "tool", ToolChoiceKind.None => "none", _ => "auto" });
            if (choice == ToolChoiceKind.Named)
            {
                writer.WriteString("name", choiceName);
            }

            writer.WriteEndObject();
        }

        return TranslationResult.Ok;
    }

    /// <summary>The thinking budget the request asks for (a <c>thinking</c> object or <c>reasoning_effort</c>), else 0.</summary>
    private static int ThinkingBudget(JsonElement request)
    {
        var thinking = ChatMessageParts.Get(request, "thinking");
        if (ChatMessageParts.Get(thinking, "budget_tokens") is { ValueKind: JsonValueKind.Number } budget && budget.TryGetInt32(out var tokens))
        {
            return tokens;
        }

        var effort = ChatMessageParts.Get(request, "reasoning_effort");
        return effort.ValueKind == JsonValueKind.String && ReasoningBudget.Tokens(effort.GetString()) is { } effortBudget ? effortBudget : 0;
    }

    private static TranslationResult Thinking(JsonElement request, Utf8JsonWriter writer)
    {
        var thinking = ChatMessageParts.Get(request, "thinking");
        if (!ChatMessageParts.IsMissing(thinking))
        {
            writer.WritePropertyName("thinking");
            thinking.WriteTo(writer);
            return TranslationResult.Ok;
        }

        var effort = ChatMessageParts.Get(request, "reasoning_effort");
        if (ChatMessageParts.IsMissing(effort))
        {
            return TranslationResult.Ok;
        }

        var level = effort.ValueKind == JsonValueKind.String ? effort.GetString() : null;
        if (level is null || ReasoningBudget.Tokens(level) is not { } budget)
        {
            return TranslationResult.Unsupported("reasoning_effort", $"'{level}' is not a reasoning effort (minimal, low, medium, high)");
        }

        writer.WriteStartObject("thinking");
        writer.WriteString("type", "enabled");
        writer.WriteNumber("budget_tokens", budget);
        writer.WriteEndObject();
        return TranslationResult.Ok;
    }
}
