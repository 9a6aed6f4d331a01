using Sluice.Forwarding;

namespace Sluice.Usage;

/// <summary>
/// Cuts a byte stream of server-sent events into whole events (ending in a blank line), carrying an incomplete
/// tail to the next read. Events are handed out as slices of an internal pooled buffer, valid until the next
/// <see cref="Append"/> or <see cref="ReleaseIfDrained"/>. The buffer is rented only while bytes are pending, so
/// a stream waiting between events holds none.
/// </summary>
internal sealed class SseEventSplitter : IDisposable
{
    private readonly PooledBufferWriter _buffer = new(initialCapacity: 0);
    private int _consumed;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Compact();
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }

    /// <summary>Returns the buffer to the pool when every byte has been handed out as an event.</summary>
    public void ReleaseIfDrained()
    {
        if (_consumed == _buffer.Length)
        {
            _buffer.ReturnBuffer();
            _consumed = 0;
        }
    }

    /// <summary>The next whole event, blank-line terminator included.</summary>
    public bool TryReadEvent(out ReadOnlyMemory<byte> sseEvent)
    {
        var pending = Remainder;
        var span = pending.Span;
        for (var i = 0; i + 1 < span.Length; i++)
        {
            if (span[i] != '\n')
            {
                continue;
            }

            var end = span[i + 1] == '\n' ? i + 2 : (span[i + 1] == '\r' && i + 2 < span.Length && span[i + 2] == '\n' ? i + 3 : -1);
            if (end > 0)
            {
                sseEvent = pending[..end];
                _consumed += end;
                return true;
            }
        }

        sseEvent = default;
        return false;
    }

    /// <summary>Bytes after the last whole event (a stream that ended without a final blank line).</summary>
    public ReadOnlyMemory<byte> Remainder => _buffer.WrittenMemory[_consumed..];

    /// <summary>The JSON after <c>data:</c> in an event, or empty (comments, <c>[DONE]</c>, other fields).</summary>
    public static ReadOnlySpan<byte> DataOf(ReadOnlySpan<byte> sseEvent)
    {
        var start = sseEvent.IndexOf("data:"u8);
        if (start < 0)
        {
            return default;
        }

        var data = sseEvent[(start + 5)..];
        var lineEnd = data.IndexOfAny((byte)'\r', (byte)'\n');
        data = (lineEnd < 0 ? data : data[..lineEnd]).TrimStart((byte)' ');
        return data.Length > 0 && data[0] == '{' ? data : default;
    }

    public void Dispose() => _buffer.Dispose();

    private void Compact()
    {
        if (_consumed == 0)
        {
            return;
        }

        _buffer.DiscardPrefix(_consumed);
        _consumed = 0;
    }
}
