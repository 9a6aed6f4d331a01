using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>
/// The OpenAI chat request fields a content-block provider (Bedrock Converse, Anthropic) can carry. Fields that only
/// tag the request (<c>user</c>, <c>metadata</c>, <c>store</c>) or restate a default are accepted; any other field
/// would change the answer in a way the provider cannot, so it is refused rather than dropped (a 422). A field the
/// translators read must have the JSON type OpenAI's API gives it, else it is a 400 naming it: the request writers
/// rely on these checks for the top-level fields, and check what is nested themselves.
/// </summary>
internal static class ChatRequestFields
{
    public static TranslationResult CheckSupported(JsonElement request, string provider)
    {
        foreach (var property in request.EnumerateObject())
        {
            var value = property.Value;
            if (ChatMessageParts.IsMissing(value))
            {
                continue;
            }

            var result = property.Name switch
            {
                // The model is read (and checked) by routing; the rest only tag the request.
                "model" or "metadata" or "store" or "parallel_tool_calls" => TranslationResult.Ok,
                "messages" or "tools" => Expect(property, JsonValueKind.Array, "an array"),
                "stream_options" or "thinking" => Expect(property, JsonValueKind.Object, "an object"),
                "reasoning_effort" or "user" => Expect(property, JsonValueKind.String, "a string"),
                "temperature" or "top_p" => Expect(property, JsonValueKind.Number, "a number"),
                "stream" => value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? TranslationResult.Ok
                    : TranslationResult.WrongType(property.Name, "a boolean", value),
                "max_tokens" or "max_completion_tokens" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _)
                    ? TranslationResult.Ok
                    : TranslationResult.WrongType(property.Name, "an integer", value),
                "stop" => value.ValueKind is JsonValueKind.String or JsonValueKind.Array
                    ? TranslationResult.Ok
                    : TranslationResult.WrongType(property.Name, "a string or an array of strings", value),
                "tool_choice" => value.ValueKind is JsonValueKind.String or JsonValueKind.Object
                    ? TranslationResult.Ok
                    : TranslationResult.WrongType(property.Name, "a string or an object", value),
                "n" => value.ValueKind != JsonValueKind.Number ? TranslationResult.WrongType(property.Name, "a number", value)
                    : value.GetDouble() == 1 ? TranslationResult.Ok
                    : NoEquivalent(property.Name, provider),
                "response_format" => ResponseFormat(value, provider),
                _ => NoEquivalent(property.Name, provider),
            };
            if (!result.Succeeded)
            {
                return result;
            }
        }

        var messages = ChatMessageParts.Get(request, "messages");
        return messages.ValueKind == JsonValueKind.Array
            ? TranslationResult.Ok
            : TranslationResult.WrongType("messages", "an array", messages);
    }

    /// <summary><c>max_completion_tokens</c>, else the older <c>max_tokens</c>; undefined when neither is set.</summary>
    public static JsonElement MaxTokens(JsonElement request)
    {
        var maxTokens = ChatMessageParts.Get(request, "max_completion_tokens");
        return ChatMessageParts.IsMissing(maxTokens) ? ChatMessageParts.Get(request, "max_tokens") : maxTokens;
    }

    private static TranslationResult Expect(JsonProperty property, JsonValueKind kind, string expected) =>
        property.Value.ValueKind == kind ? TranslationResult.Ok : TranslationResult.WrongType(property.Name, expected, property.Value);

    /// <summary><c>response_format</c>: only <c>{"type":"text"}</c>, the default, has an equivalent.</summary>
    private static TranslationResult ResponseFormat(JsonElement format, string provider)
    {
        if (format.ValueKind != JsonValueKind.Object)
        {
            return TranslationResult.WrongType("response_format", "an object", format);
        }

        var type = ChatMessageParts.Get(format, "type");
        if (type.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType("response_format.type", "a string", type);
        }

        return type.ValueEquals("text") ? TranslationResult.Ok : NoEquivalent("response_format", provider);
    }

    private static TranslationResult NoEquivalent(string name, string provider) =>
        TranslationResult.Unsupported(name, $"'{name}' has no {provider} equivalent; remove it or route this model to another backend");
}
