using System.Buffers;
using System.Text.Json;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Requests;

/// <summary>Folds JSON string values into a prompt's seed and token count without keeping the text.</summary>
internal static class PromptText
{
    private const int StackLimit = 256;

    /// <summary>The reader is on a string token.</summary>
    public static void Accumulate(ref Utf8JsonReader reader, ref ulong hash, ref int tokens)
    {
        // The unescaped UTF-16 length never exceeds the UTF-8 byte length.
        long maxChars = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        char[]? rented = null;
        Span<char> buffer = maxChars <= StackLimit
            ? stackalloc char[StackLimit]
            : (rented = ArrayPool<char>.Shared.Rent(checked((int)maxChars)));
        try
        {
            int length = reader.CopyString(buffer);
            ReadOnlySpan<char> text = buffer[..length];
            hash = StableHash.Append(hash, text);
            tokens += TokenCounter.Count(text);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
