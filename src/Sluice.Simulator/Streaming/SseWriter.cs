using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Sluice.Simulator.Streaming;

/// <summary>
/// Frames OpenAI server-sent events (<c>data: {json}\n\n</c>) straight into the response pipe, reusing one
/// <see cref="Utf8JsonWriter"/>: no per-event strings or buffers.
/// </summary>
internal sealed class SseWriter : IDisposable
{
    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    public SseWriter(PipeWriter pipe)
    {
        _pipe = pipe;
        _json = new Utf8JsonWriter(pipe);
    }

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private static ReadOnlySpan<byte> DoneEvent => "data: [DONE]\n\n"u8;

    /// <summary>Starts an event; write exactly one JSON value, then call <see cref="EndEventAsync"/>.</summary>
    public Utf8JsonWriter BeginEvent()
    {
        _pipe.Write(DataPrefix);
        _json.Reset(_pipe);
        return _json;
    }

    /// <summary>Ends the event and flushes it to the client.</summary>
    public ValueTask<FlushResult> EndEventAsync()
    {
        _json.Flush();
        _pipe.Write(EventEnd);
        return _pipe.FlushAsync(CancellationToken.None);
    }

    public ValueTask<FlushResult> WriteDoneAsync()
    {
        _pipe.Write(DoneEvent);
        return _pipe.FlushAsync(CancellationToken.None);
    }

    public void Dispose() => _json.Dispose();
}
