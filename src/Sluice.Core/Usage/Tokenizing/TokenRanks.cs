using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.IO.Hashing;
using System.Numerics;

namespace Sluice.Usage.Tokenizing;

/// <summary>
/// A byte-pair vocabulary as compact as counting allows: every token's bytes in one array, one offset per rank, and an
/// open-addressing table from the bytes to the rank. For o200k_base (199,998 tokens) that is 1.4 MB of bytes, 0.8 MB
/// of offsets and 2 MB of table, where Microsoft.ML.Tokenizers keeps 42 MB (an encoder, a decoder and a string vocabulary,
/// with an object per token); see docs/design/2026-11-25-token-counter.md. Immutable once read, so safe to share.
/// </summary>
internal sealed class TokenRanks
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;   // token r is _bytes[_offsets[r].._offsets[r + 1]]
    private readonly int[] _slots;     // rank + 1, or 0 for an empty slot; linear probing
    private readonly int _mask;

    private TokenRanks(byte[] bytes, int[] offsets, int count)
    {
        _bytes = bytes;
        _offsets = offsets;
        Count = count;
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)count * 2);
        _slots = new int[size];
        _mask = size - 1;
        for (var rank = 0; rank < count; rank++)
        {
            var slot = SlotOf(Token(rank));
            while (_slots[slot] != 0)
            {
                if (Token(_slots[slot] - 1).SequenceEqual(Token(rank)))
                {
                    throw new InvalidDataException($"token {rank} repeats token {_slots[slot] - 1}");
                }

                slot = (slot + 1) & _mask;
            }

            _slots[slot] = rank + 1;
        }
    }

    /// <summary>How many ordinary (non-special) tokens there are; their ranks are 0 to Count - 1.</summary>
    public int Count { get; }

    public ReadOnlySpan<byte> Token(int rank) => _bytes.AsSpan(_offsets[rank], _offsets[rank + 1] - _offsets[rank]);

    public bool TryGetRank(ReadOnlySpan<byte> token, out int rank)
    {
        var slot = SlotOf(token);
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                rank = -1;
                return false;
            }

            if (Token(entry - 1).SequenceEqual(token))
            {
                rank = entry - 1;
                return true;
            }

            slot = (slot + 1) & _mask;
        }
    }

    private int SlotOf(ReadOnlySpan<byte> token) => (int)XxHash3.HashToUInt64(token) & _mask;

    /// <summary>
    /// Reads a deflated <c>.tiktoken</c> file as Microsoft.ML.Tokenizers' data packages ship it: an optional
    /// <c>Capacity: N</c> line, then one token per line in base64, optionally followed by a space and its rank. Ranks
    /// must run 0, 1, 2, ... (they do in every OpenAI encoding), so the line order is the rank order.
    /// </summary>
    public static TokenRanks ReadDeflated(Stream deflated)
    {
        using var inflated = new DeflateStream(deflated, CompressionMode.Decompress);
        using var text = new MemoryStream();
        inflated.CopyTo(text);
        var lines = text.GetBuffer().AsSpan(0, (int)text.Length);

        var bytes = ArrayPool<byte>.Shared.Rent(lines.Length); // base64 decodes shorter than it reads
        var offsets = new List<int>(capacity: 200_001) { 0 };
        try
        {
            var written = 0;
            while (!lines.IsEmpty)
            {
                var end = lines.IndexOf((byte)'\n');
                var line = end < 0 ? lines : lines[..end];
                lines = end < 0 ? default : lines[(end + 1)..];
                line = line.TrimEnd((byte)'\r');
                if (line.IsEmpty || line.StartsWith("Capacity:"u8))
                {
                    continue;
                }

                var space = line.IndexOf((byte)' ');
                if (space >= 0)
                {
                    if (!int.TryParse(line[(space + 1)..], out var rank) || rank != offsets.Count - 1)
                    {
                        throw new InvalidDataException($"token {offsets.Count - 1}: ranks must run 0, 1, 2, ... in line order");
                    }

                    line = line[..space];
                }

                if (Base64.DecodeFromUtf8(line, bytes.AsSpan(written), out _, out var decoded) != OperationStatus.Done || decoded == 0)
                {
                    throw new InvalidDataException($"token {offsets.Count - 1} is not base64");
                }

                written += decoded;
                offsets.Add(written);
            }

            return new TokenRanks(bytes.AsSpan(0, written).ToArray(), offsets.ToArray(), offsets.Count - 1);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
