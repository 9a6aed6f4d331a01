using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.IO.Hashing;
using System.Numerics;

namespace Sluice.Usage.Tokenizing;

/// <summary>
/// A byte-pair vocabulary as compact as counting allows: every token's bytes in one array, one offset per rank, and an
/// open-addressing table from the bytes to the rank. For o200k_base (199,998 tokens) that is 1.4 MB of bytes (in a 1.6 MB
/// array, see <see cref="Builder.Build"/>), 0.8 MB of offsets and 2 MB of table, where Microsoft.ML.Tokenizers keeps 42 MB (an encoder, a decoder and a string vocabulary,
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
    /// must run 0, 1, 2, ... (they do in every OpenAI encoding), so the line order is the rank order. It reads in
    /// 64 KB pieces and sizes its arrays from the capacity line, so loading leaves almost no garbage behind (no
    /// whole inflated file, no pooled array kept by the pool): what a gateway reads once should not stay in its memory.
    /// </summary>
    public static TokenRanks ReadDeflated(Stream deflated)
    {
        using var inflated = new DeflateStream(deflated, CompressionMode.Decompress);
        var chunk = new byte[64 * 1024];
        var builder = new Builder();
        var kept = 0;
        while (true)
        {
            var read = inflated.ReadAtLeast(chunk.AsSpan(kept), chunk.Length - kept, throwOnEndOfStream: false);
            var atEnd = kept + read < chunk.Length;
            var data = chunk.AsSpan(0, kept + read);
            int end;
            while ((end = data.IndexOf((byte)'\n')) >= 0)
            {
                builder.Add(data[..end]);
                data = data[(end + 1)..];
            }

            if (atEnd)
            {
                builder.Add(data); // the last line, if it has no line end
                return builder.Build();
            }

            if (data.Length == chunk.Length)
            {
                throw new InvalidDataException($"token {builder.Count}: a line longer than {chunk.Length} bytes");
            }

            data.CopyTo(chunk); // a line cut by the read waits for the rest
            kept = data.Length;
        }
    }

    private sealed class Builder
    {
        private byte[] _bytes = new byte[1 << 20];
        private int[] _offsets = new int[1 << 16];
        private int _written;

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<byte> line)
        {
            line = line.TrimEnd((byte)'\r');
            if (line.StartsWith("Capacity:"u8))
            {
                if (int.TryParse(line["Capacity:"u8.Length..].Trim((byte)' '), out var capacity) && capacity > Count)
                {
                    Array.Resize(ref _offsets, capacity + 1);
                    Array.Resize(ref _bytes, Math.Max(_bytes.Length, capacity * 8)); // o200k: 7 bytes a token on average
                }

                return;
            }

            if (line.IsEmpty)
            {
                return;
            }

            var space = line.IndexOf((byte)' ');
            if (space >= 0)
            {
                if (!int.TryParse(line[(space + 1)..], out var rank) || rank != Count)
                {
                    throw new InvalidDataException($"token {Count}: ranks must run 0, 1, 2, ... in line order");
                }

                line = line[..space];
            }

            if (_written + line.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _written + line.Length));
            }

            if (Count + 2 > _offsets.Length)
            {
                Array.Resize(ref _offsets, _offsets.Length * 2);
            }

            if (Base64.DecodeFromUtf8(line, _bytes.AsSpan(_written), out _, out var decoded) != OperationStatus.Done || decoded == 0)
            {
                throw new InvalidDataException($"token {Count} is not base64");
            }

            _written += decoded;
            _offsets[++Count] = _written;
        }

        // The arrays are kept as they are, not trimmed: for o200k the byte array has 1.6 MB for 1.4 MB of tokens, and
        // a trimmed copy would leave the whole untrimmed array behind as large-object garbage instead.
        public TokenRanks Build() => new(_bytes, _offsets, Count);
    }
}
