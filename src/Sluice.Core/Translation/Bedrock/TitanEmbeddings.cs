using System.Text.Json;
using Sluice.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// OpenAI embeddings request → Amazon Titan text embeddings (<c>{"inputText", "dimensions"}</c>). Titan embeds one
/// text per call, so an input array must hold exactly one string (token arrays are a 422). A field of a JSON type
/// OpenAI's API does not allow there is a 400 naming it.
/// </summary>
internal static class TitanEmbeddings
{
    public static TranslationResult WriteRequest(JsonElement request, Utf8JsonWriter writer)
    {
        foreach (var property in request.EnumerateObject())
        {
            if (!ChatMessageParts.IsMissing(property.Value) && property.Name is not ("model" or "input" or "dimensions" or "encoding_format" or "user"))
            {
                return TranslationResult.Unsupported(property.Name, $"'{property.Name}' has no Amazon Titan embeddings equivalent");
            }
        }

        var encoding = ChatMessageParts.Get(request, "encoding_format");
        if (!ChatMessageParts.IsMissing(encoding) && encoding.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.WrongType("encoding_format", "a string", encoding);
        }

        if (!ChatMessageParts.IsMissing(encoding) && !encoding.ValueEquals("float") && !encoding.ValueEquals("base64"))
        {
            return TranslationResult.Unsupported("encoding_format", "must be float or base64");
        }

        var dimensions = ChatMessageParts.Get(request, "dimensions");
        if (!ChatMessageParts.IsMissing(dimensions) && !(dimensions.ValueKind == JsonValueKind.Number && dimensions.TryGetInt32(out _)))
        {
            return TranslationResult.WrongType("dimensions", "an integer", dimensions);
        }

        var input = ChatMessageParts.Get(request, "input");
        if (input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return TranslationResult.WrongType("input", "a string or an array", input);
        }

        if (input.ValueKind == JsonValueKind.Array && input.GetArrayLength() == 1)
        {
            input = input[0];
        }

        if (input.ValueKind != JsonValueKind.String)
        {
            return TranslationResult.Unsupported("input", "Amazon Titan embeds one text per request: send input as a string (or an array of one string)");
        }

        writer.WriteStartObject();
        writer.WriteString("inputText", input.GetString());
        if (!ChatMessageParts.IsMissing(dimensions))
        {
            writer.WritePropertyName("dimensions");
            dimensions.WriteTo(writer);
        }

        writer.WriteEndObject();
        return TranslationResult.Ok;
    }

    /// <summary>Whether the client asked for base64 vectors (little-endian float32, as OpenAI sends them).</summary>
    public static bool WantsBase64(ReadOnlySpan<byte> request)
    {
        var reader = new Utf8JsonReader(request);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && JsonStrings.TextEquals(ref reader, "encoding_format"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String && JsonStrings.TextEquals(ref reader, "base64"u8);
            }
        }

        return false;
    }
}
