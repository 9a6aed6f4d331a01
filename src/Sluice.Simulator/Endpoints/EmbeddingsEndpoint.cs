using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;
using Sluice.Simulator.Faults;
using Sluice.Simulator.Generation;
using Sluice.Simulator.Hosting;
using Sluice.Simulator.Requests;

namespace Sluice.Simulator.Endpoints;

/// <summary>
/// POST /v1/embeddings: one deterministic unit vector per input, as a float array or as base64 of little-endian
/// float32 values.
/// </summary>
internal sealed class EmbeddingsEndpoint(SimulatorRuntime runtime) : IJsonEndpoint<EmbeddingRequest>
{
    public bool TryParse(in ReadOnlySequence<byte> body, string? pathModel, [NotNullWhen(true)] out EmbeddingRequest? request, out RequestError error) =>
        EmbeddingRequestParser.TryParse(body, pathModel, out request, out error);

    public async Task RespondAsync(HttpContext context, FaultPlan faults, EmbeddingRequest request)
    {
        int perVector = request.Base64 ? (request.Dimensions * 4 / 3) + 64 : (request.Dimensions * 14) + 64;
        using var buffer = new PooledBufferWriter((perVector * request.Inputs.Count) + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, request);
        }

        await JsonResponse.SendAnswerAsync(context, runtime, faults, buffer, generatedTokens: 0);
    }

    private static void Write(Utf8JsonWriter writer, EmbeddingRequest request)
    {
        float[] vector = ArrayPool<float>.Shared.Rent(request.Dimensions);
        byte[]? bytes = request.Base64 ? ArrayPool<byte>.Shared.Rent(request.Dimensions * sizeof(float)) : null;
        try
        {
            Span<float> values = vector.AsSpan(0, request.Dimensions);
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Object, JsonNames.ListObject);
            writer.WriteStartArray(JsonNames.Data);
            for (int i = 0; i < request.Inputs.Count; i++)
            {
                EmbeddingGenerator.Fill(request.Inputs[i].Seed, values);
                writer.WriteStartObject();
                writer.WriteString(JsonNames.Object, JsonNames.EmbeddingObject);
                writer.WriteNumber(JsonNames.Index, i);
                if (bytes is null)
                {
                    writer.WriteStartArray(JsonNames.Embedding);
                    foreach (float value in values)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    writer.WriteBase64String(JsonNames.Embedding, ToLittleEndian(values, bytes));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString(JsonNames.Model, request.Model);
            UsageJson.WriteEmbedding(writer, request.PromptTokens);
            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    private static ReadOnlySpan<byte> ToLittleEndian(ReadOnlySpan<float> values, byte[] scratch)
    {
        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.AsBytes(values);
        }

        Span<byte> bytes = scratch.AsSpan(0, values.Length * sizeof(float));
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.Slice(i * sizeof(float)), values[i]);
        }

        return bytes;
    }
}
