using System.Buffers;
using Sluice.Translation;

namespace Sluice.Forwarding;

/// <summary>
/// A read-only stream of OpenAI SSE events translated, read by read, from a provider's stream (the AWS event
/// stream). It replaces the upstream response content, so the copier streams, times out, counts usage and ends
/// interrupted streams exactly as it does for OpenAI backends. Nothing is buffered beyond one upstream read.
/// </summary>
internal sealed class TranslatingStream(Stream upstream, HttpContent upstreamContent, ResponseTranslator translator) : Stream
{
    private const int ReadSize = 16 * 1024;

    private readonly PooledBufferWriter _pending = new(ReadSize);
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
    private int _pendingOffset;
    private bool _ended;

    /// <summary>True once the provider's stream ended without finishing its message (an exception, a corrupt frame, an early close).</summary>
    public bool EndedEarly { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (_pendingOffset == _pending.Length)
        {
            if (_ended)
            {
                return 0;
            }

            _pending.DiscardPrefix(_pending.Length);
            _pendingOffset = 0;
            var read = await upstream.ReadAsync(_buffer.AsMemory(0, ReadSize), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                EndedEarly = !translator.CompleteStream(_pending);
                _ended = true;
            }
            else if (!translator.TranslateStream(_buffer!, read, _pending))
            {
                EndedEarly = true;
                _ended = true;
            }
        }

        var count = Math.Min(destination.Length, _pending.Length - _pendingOffset);
        _pending.WrittenSpan.Slice(_pendingOffset, count).CopyTo(destination.Span);
        _pendingOffset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _pending.Dispose();
            translator.Dispose();
            upstream.Dispose();
            upstreamContent.Dispose();
        }

        base.Dispose(disposing);
    }
}
