using System.Text.Json;

namespace Sluice.Translation.Chat;

/// <summary>
/// The OpenAI chat request fields a content-block provider (Bedrock Converse, Anthropic) can carry. Fields that only
/// tag the request (<c>user</c>, <c>metadata</c>, <c>store</c>) or restate a default are accepted; any other field
/// would change the answer in a way the provider cannot, so it is refused rather than dropped.
/// </summary>
internal static class ChatRequestFields
{
    public static TranslationResult CheckSupported(JsonElement request, string provider)
    {
        foreach (var property in request.EnumerateObject())
        {
            if (ChatMessageParts.IsMissing(property.Value))
            {
                continue;
            }

            switch (property.Name)
            {
                case "model" or "messages" or "stream" or "stream_options" or "temperature" or "top_p" or "max_tokens"
                    or "max_completion_tokens" or "stop" or "tools" or "tool_choice" or "reasoning_effort" or "thinking"
                    or "user" or "metadata" or "store" or "parallel_tool_calls":
                    continue;
                case "n" when property.Value.ValueKind == JsonValueKind.Number && property.Value.GetDouble() == 1:
                    continue;
                case "response_format" when ChatMessageParts.Get(property.Value, "type").ValueEquals("text"):
                    continue;
                default:
                    return TranslationResult.Unsupported(property.Name, $"'{property.Name}' has no {provider} equivalent; remove it or route this model to another backend");
            }
        }

        return ChatMessageParts.Get(request, "messages").ValueKind == JsonValueKind.Array
            ? TranslationResult.Ok
            : TranslationResult.Unsupported("messages", "messages must be an array");
    }

    /// <summary><c>max_completion_tokens</c>, else the older <c>max_tokens</c>; undefined when neither is set.</summary>
    public static JsonElement MaxTokens(JsonElement request)
    {
        var maxTokens = ChatMessageParts.Get(request, "max_completion_tokens");
        return ChatMessageParts.IsMissing(maxTokens) ? ChatMessageParts.Get(request, "max_tokens") : maxTokens;
    }
}
