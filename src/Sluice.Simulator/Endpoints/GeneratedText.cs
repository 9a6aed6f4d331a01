using System.Text.Json;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Endpoints;

/// <summary>Writes a whole generated answer as one JSON string, piece by piece, without building a string.</summary>
internal static class GeneratedText
{
    public static void WriteValue(Utf8JsonWriter writer, ulong seed, int naturalLength, int tokens)
    {
        var generator = new TextGenerator(seed, naturalLength);
        for (int i = 0; i < tokens; i++)
        {
            writer.WriteStringValueSegment(Vocabulary.Utf8(generator.NextPiece()), isFinalSegment: false);
        }

        writer.WriteStringValueSegment(ReadOnlySpan<byte>.Empty, isFinalSegment: true);
    }

    public static JsonEncodedText FinishReason(CompletionPlan plan) =>
        plan.Truncated ? JsonNames.Length : JsonNames.Stop;
}
