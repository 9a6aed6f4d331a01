using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Sluice.Translation.Chat;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Titan's <c>{"embedding": [...], "inputTextTokenCount": n}</c> → OpenAI's embeddings list with usage; an embedding
/// that is not an array of numbers, or a count that is not a whole number, is not Titan's answer.
/// </summary>
internal sealed class TitanEmbeddingsResponseTranslator(string model, bool base64) : ResponseTranslator
{
    protected override bool TranslateJson(JsonElement root, IBufferWriter<byte> output)
    {
        var embedding = ChatMessageParts.Get(root, "embedding");
        if (embedding.ValueKind != JsonValueKind.Array || !ProviderFields.TryGetCount(root, "inputTextTokenCount", out var tokens))
        {
            return false;
        }

        foreach (var value in embedding.EnumerateArray())
        {
            if (value.ValueKind != JsonValueKind.Number)
            {
                return false; // a vector of numbers, or not the answer Titan sends
            }
        }

        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        writer.WriteStartObject();
        writer.WriteString("object", "embedding");
        writer.WriteNumber("index", 0);
        writer.WritePropertyName("embedding");
        if (base64)
        {
            writer.WriteBase64StringValue(Float32Bytes(embedding));
        }
        else
        {
            embedding.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("model", model);
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", tokens);
        writer.WriteNumber("total_tokens", tokens);
        writer.WriteEndObject();
        writer.WriteEndObject();

        return true;
    }

    public override void TranslateError(int status, string? errorType, ReadOnlySpan<byte> body, IBufferWriter<byte> output) =>
        BedrockErrors.Write(status, errorType, body, output);

    /// <summary>OpenAI's base64 encoding: the vector as little-endian float32 values.</summary>
    private static byte[] Float32Bytes(JsonElement embedding)
    {
        var bytes = new byte[embedding.GetArrayLength() * sizeof(float)];
        var i = 0;
        foreach (var value in embedding.EnumerateArray())
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i), value.GetSingle());
            i += sizeof(float);
        }

        return bytes;
    }
}
