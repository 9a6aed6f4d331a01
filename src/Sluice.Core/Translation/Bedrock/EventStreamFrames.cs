using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;

namespace Sluice.Translation.Bedrock;

/// <summary>
/// Decodes the AWS event stream (<c>application/vnd.amazon.eventstream</c>): length-prefixed binary frames, each a
/// 12-byte prelude (total length, headers length, CRC-32 of those 8 bytes), typed headers, a payload and a CRC-32
/// of everything before it, all integers big-endian. Both checksums, the lengths (at least 16 bytes, at most
/// <see cref="MaxFrameLength"/>, headers inside the frame) and every header's bounds and type are checked; a
/// violation makes the stream corrupt: it is reported, and the stream cannot continue after it.
/// <para>
/// Hand-written because it runs once per streamed chunk on the Bedrock hot path: the AWS SDK's
/// <c>EventStreamDecoder</c> (AWSSDK.Core 4.0.102), measured with BenchmarkDotNet
/// (<c>bench/Sluice.Benchmarks/EventStreamDecodingBenchmarks.cs</c>), allocated about 1.2 KB and took about
/// 0.85 µs per frame (a message, a header dictionary, header objects, a payload array and an event per frame).
/// This decoder takes about 75 ns and allocates nothing per frame: a frame is a <see cref="EventStreamFrame"/> of
/// spans (headers compared as UTF-8 bytes, the payload a span the translators parse).
/// </para>
/// <para>
/// Use it as a pull loop over each read: <c>while (frames.TryReadFrame(ref read, out var frame, out var error))</c>.
/// A frame wholly inside the read is decoded in place, without a copy; the bytes of a frame split across reads are
/// kept in a pooled buffer (<see cref="InitialBufferSize"/>, grown only for a larger frame, returned by
/// <see cref="Dispose"/>) until it is whole.
/// </para>
/// </summary>
internal sealed class EventStreamFrames : IDisposable
{
    /// <summary>The largest frame accepted: 16 MiB, the AWS SDKs' limit.</summary>
    public const int MaxFrameLength = 16 * 1024 * 1024;

    /// <summary>The size of the buffer rented for the first frame split across reads.</summary>
    public const int InitialBufferSize = 4 * 1024;

    private const int PreludeLength = 12;

    /// <summary>The prelude and the message CRC: the smallest frame (no headers, no payload).</summary>
    private const int MinFrameLength = PreludeLength + 4;

    private byte[]? _buffer;
    private int _buffered;
    private string? _error;
    private bool _disposed;

    /// <summary>The length of the rented buffer for split frames; 0 before the first split frame and after Dispose.</summary>
    internal int BufferCapacity => _buffer?.Length ?? 0;

    /// <summary>
    /// Reads the next whole frame, consuming its bytes from <paramref name="read"/>. Returns false when
    /// <paramref name="read"/> is used up (its bytes are kept for the next call: a frame split across reads), or when
    /// the stream is corrupt: then <paramref name="error"/> says why, and says so again on every later call. The frame
    /// is valid until the next call: it may point into <paramref name="read"/> or into this decoder's buffer.
    /// </summary>
    public bool TryReadFrame(ref ReadOnlySpan<byte> read, out EventStreamFrame frame, out string? error)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        frame = default;
        error = _error;
        if (error is not null)
        {
            return false;
        }

        ReadOnlySpan<byte> whole;
        if (_buffered == 0 && TryFrameLength(read, out var length, out error) && read.Length >= length)
        {
            whole = read[..length];
            read = read[length..];
        }
        else if (error is null && Buffer(ref read, out error))
        {
            whole = _buffer.AsSpan(0, _buffered);
            _buffered = 0;
        }
        else
        {
            _error = error;
            return false;
        }

        error = Decode(whole, out frame);
        _error = error;
        return error is null;
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _buffered = 0;
        _disposed = true;
    }

    /// <summary>
    /// The total length from a frame's prelude: false with no error when fewer than 12 bytes are there yet, false with
    /// an error when the prelude is corrupt.
    /// </summary>
    private static bool TryFrameLength(ReadOnlySpan<byte> bytes, out int length, out string? error)
    {
        length = 0;
        error = null;
        if (bytes.Length < PreludeLength)
        {
            return false;
        }

        var total = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
        var expected = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
        var actual = Crc32.HashToUInt32(bytes[..8]);
        var invariant = CultureInfo.InvariantCulture;
        error = actual != expected ? string.Create(invariant, $"a frame's prelude CRC is 0x{expected:x8} but its bytes give 0x{actual:x8}")
            : total < MinFrameLength ? string.Create(invariant, $"a frame's total length {total} is less than the {MinFrameLength} bytes of its prelude and CRC")
            : total > MaxFrameLength ? string.Create(invariant, $"a frame's total length {total} is over the maximum of {MaxFrameLength}")
            : headers > total - MinFrameLength ? string.Create(invariant, $"a frame's headers length {headers} does not fit in its total length {total}")
            : null;
        length = (int)total;
        return error is null;
    }

    /// <summary>
    /// Moves the bytes of a frame split across reads into the buffer, never more than that frame's: true once the
    /// buffer holds the whole frame, false when <paramref name="read"/> ran out first or the prelude is corrupt.
    /// </summary>
    private bool Buffer(ref ReadOnlySpan<byte> read, out string? error)
    {
        error = null;
        if (read.IsEmpty)
        {
            return false;
        }

        if (_buffered < PreludeLength)
        {
            Append(ref read, PreludeLength - _buffered);
            if (_buffered < PreludeLength)
            {
                return false;
            }
        }

        if (!TryFrameLength(_buffer.AsSpan(0, _buffered), out var length, out error))
        {
            return false;
        }

        Append(ref read, length - _buffered);
        return _buffered == length;
    }

    /// <summary>Moves up to <paramref name="wanted"/> bytes into the buffer, first grown (once) to hold all of them.</summary>
    private void Append(ref ReadOnlySpan<byte> read, int wanted)
    {
        var needed = _buffered + wanted;
        if (_buffer is null || _buffer.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, InitialBufferSize));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _buffered).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = grown;
        }

        var count = Math.Min(wanted, read.Length);
        read[..count].CopyTo(_buffer.AsSpan(_buffered));
        _buffered += count;
        read = read[count..];
    }

    /// <summary>Checks a whole frame whose prelude is checked: its message CRC and its headers.</summary>
    private static string? Decode(ReadOnlySpan<byte> whole, out EventStreamFrame frame)
    {
        frame = default;
        var expected = BinaryPrimitives.ReadUInt32BigEndian(whole[^4..]);
        var actual = Crc32.HashToUInt32(whole[..^4]);
        if (actual != expected)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a frame's message CRC is 0x{expected:x8} but its bytes give 0x{actual:x8}");
        }

        var headers = whole.Slice(PreludeLength, (int)BinaryPrimitives.ReadUInt32BigEndian(whole[4..]));
        for (var offset = 0; offset < headers.Length;)
        {
            if (EventStreamFrameHeader.Read(headers, ref offset, out _) is { } error)
            {
                return error;
            }
        }

        frame = new EventStreamFrame(headers, whole[(PreludeLength + headers.Length)..^4]);
        return null;
    }
}
