using System.Buffers;

namespace Sluice.Usage.Tokenizing;

/// <summary>
/// Splits one pre-tokenized piece into tokens the way tiktoken does: start from single bytes and, again and again,
/// merge the adjacent pair whose joined bytes have the lowest rank (the leftmost on a tie) until no pair is a token.
/// A heap of candidate pairs makes that O(n log n) where the textbook rescan is O(n²), so a long run of punctuation
/// in a prompt cannot turn an estimate into a denial of service.
/// </summary>
internal static class BytePairMerge
{
    /// <summary>The number of tokens <paramref name="piece"/> encodes to; with <paramref name="ranks"/>, also their ranks.</summary>
    public static int Count(TokenRanks vocabulary, ReadOnlySpan<byte> piece, List<int>? ranks)
    {
        if (piece.IsEmpty)
        {
            return 0;
        }

        if (vocabulary.TryGetRank(piece, out var whole))
        {
            ranks?.Add(whole);
            return 1;
        }

        var n = piece.Length;
        // Parts are named by the byte offset they start at; next[i] is where part i ends (the next part's start, or n).
        var next = ArrayPool<int>.Shared.Rent(n);
        var prev = ArrayPool<int>.Shared.Rent(n);
        var pairRank = ArrayPool<int>.Shared.Rent(n); // rank of part i joined with the part after it, or -1
        var heap = new MergeHeap(3 * n);
        try
        {
            for (var i = 0; i < n; i++)
            {
                next[i] = i + 1;
                prev[i] = i - 1;
            }

            for (var i = 0; i < n - 1; i++)
            {
                pairRank[i] = PairRank(vocabulary, piece, next, i);
                heap.Push(pairRank[i], i);
            }

            pairRank[n - 1] = -1;
            var parts = n;
            while (heap.TryPop(out var rank, out var i))
            {
                if (pairRank[i] != rank)
                {
                    continue; // stale: part i was merged away or has grown since this pair was pushed
                }

                var absorbed = next[i];
                next[i] = next[absorbed];
                if (next[i] < n)
                {
                    prev[next[i]] = i;
                }

                pairRank[absorbed] = -1;
                parts--;

                pairRank[i] = PairRank(vocabulary, piece, next, i);
                heap.Push(pairRank[i], i);
                if (prev[i] >= 0)
                {
                    pairRank[prev[i]] = PairRank(vocabulary, piece, next, prev[i]);
                    heap.Push(pairRank[prev[i]], prev[i]);
                }
            }

            if (ranks is not null)
            {
                for (var i = 0; i < n; i = next[i])
                {
                    vocabulary.TryGetRank(piece[i..next[i]], out var rank);
                    ranks.Add(rank);
                }
            }

            return parts;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<int>.Shared.Return(prev);
            ArrayPool<int>.Shared.Return(pairRank);
            heap.Dispose();
        }
    }

    private static int PairRank(TokenRanks vocabulary, ReadOnlySpan<byte> piece, int[] next, int i)
    {
        var end = next[i];
        if (end >= piece.Length)
        {
            return -1;
        }

        return vocabulary.TryGetRank(piece[i..next[end]], out var rank) ? rank : -1;
    }

    /// <summary>A binary min-heap of (rank, start) in one pooled array; the start breaks ties, leftmost first.</summary>
    private struct MergeHeap(int capacity) : IDisposable
    {
        private readonly long[] _items = ArrayPool<long>.Shared.Rent(capacity);
        private int _count;

        public void Push(int rank, int start)
        {
            if (rank < 0)
            {
                return;
            }

            var item = ((long)rank << 32) | (uint)start;
            var at = _count++;
            while (at > 0)
            {
                var parent = (at - 1) / 2;
                if (_items[parent] <= item)
                {
                    break;
                }

                _items[at] = _items[parent];
                at = parent;
            }

            _items[at] = item;
        }

        public bool TryPop(out int rank, out int start)
        {
            if (_count == 0)
            {
                rank = start = 0;
                return false;
            }

            var top = _items[0];
            rank = (int)(top >> 32);
            start = (int)(uint)top;
            var last = _items[--_count];
            var at = 0;
            while (true)
            {
                var child = (2 * at) + 1;
                if (child >= _count)
                {
                    break;
                }

                if (child + 1 < _count && _items[child + 1] < _items[child])
                {
                    child++;
                }

                if (last <= _items[child])
                {
                    break;
                }

                _items[at] = _items[child];
                at = child;
            }

            _items[at] = last;
            return true;
        }

        public readonly void Dispose() => ArrayPool<long>.Shared.Return(_items);
    }
}
