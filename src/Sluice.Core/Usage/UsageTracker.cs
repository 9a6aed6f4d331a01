using Sluice.Forwarding;

namespace Sluice.Usage;

/// <summary>
/// Follows one response to the client: the last usage the provider reported, the response model, when the first
/// event went out, and (when Sluice asked for usage the client did not) which chunk to hold back. A JSON body is
/// teed into a bounded buffer and read at the end; a stream is read event by event as it passes.
/// </summary>
internal sealed class UsageTracker(TimeProvider time, long startTimestamp, bool dropUsageOnlyChunk) : IDisposable
{
    /// <summary>Larger non-streamed bodies (huge embedding batches) are forwarded without usage rather than buffered.</summary>
    private const int MaxTeedBody = 16 * 1024 * 1024;

    /// <summary>Streamed text (UTF-8 bytes) is kept, bounded, only to estimate usage of a stream cut short.</summary>
    private const int MaxStreamedText = 1024 * 1024;

    private PooledBufferWriter? _streamedText;
    private PooledBufferWriter? _body;
    private bool _bodyTooLarge;

    public TokenUsage? Usage { get; private set; }

    public string? ResponseModel { get; private set; }

    /// <summary>Stopwatch timestamp of the first streamed event sent to the client.</summary>
    public long? FirstEventTimestamp { get; private set; }

    public bool DropsUsageOnlyChunk => dropUsageOnlyChunk;

    public TimeSpan? TimeToFirstToken => FirstEventTimestamp is { } first ? time.GetElapsedTime(startTimestamp, first) : null;

    /// <summary>Looks at one whole SSE event; returns false when the client must not see it.</summary>
    /// <remarks>
    /// Runs for every event of every stream, so it allocates nothing: the model is read once, the text is copied as
    /// bytes, and once the text is no longer wanted only events that mention <c>"usage"</c> are parsed at all.
    /// </remarks>
    public bool ObserveEvent(ReadOnlySpan<byte> sseEvent)
    {
        var data = SseEventSplitter.DataOf(sseEvent);
        var show = true;
        if (!data.IsEmpty)
        {
            _streamedText ??= new PooledBufferWriter(initialCapacity: 0);
            var collectText = Usage is null && _streamedText.Length < MaxStreamedText;
            if (collectText || ResponseModel is null || data.IndexOf("\"usage\""u8) >= 0)
            {
                var observation = new UsageObservation { Model = ResponseModel, StreamedText = collectText ? _streamedText : null };
                if (UsageJson.TryRead(data, ref observation))
                {
                    ResponseModel = observation.Model;
                    Usage = observation.Usage ?? Usage;
                    show = !(dropUsageOnlyChunk && observation.IsUsageOnlyChunk);
                }
            }
        }

        if (show && FirstEventTimestamp is null)
        {
            FirstEventTimestamp = time.GetTimestamp();
        }

        return show;
    }

    /// <summary>Keeps a copy of a non-streamed body's bytes, up to a bound, to read usage from at the end.</summary>
    public void TeeBody(ReadOnlySpan<byte> bytes)
    {
        if (_bodyTooLarge)
        {
            return;
        }

        _body ??= new PooledBufferWriter(Math.Max(bytes.Length, 4096));
        if (_body.Length + bytes.Length > MaxTeedBody)
        {
            _bodyTooLarge = true;
            _body.Dispose();
            _body = null;
            return;
        }

        bytes.CopyTo(_body.GetSpan(bytes.Length));
        _body.Advance(bytes.Length);
    }

    public void CompleteBody()
    {
        if (_body is null)
        {
            return;
        }

        var observation = default(UsageObservation);
        if (UsageJson.TryRead(_body.WrittenSpan, ref observation))
        {
            Usage = observation.Usage;
            ResponseModel = observation.Model;
        }

        _body.Dispose();
        _body = null;
    }

    /// <summary>
    /// After a stream ended early without the provider's usage: an estimate from the prompt and the text that was
    /// streamed, marked as estimated. The provider's numbers, when any arrived, always win.
    /// </summary>
    public void EstimateIfMissing(ReadOnlySpan<byte> requestBody)
    {
        if (Usage is null && FirstEventTimestamp is not null)
        {
            Usage = UsageEstimator.Estimate(requestBody, _streamedText is null ? default : _streamedText.WrittenSpan);
        }
    }

    public void Dispose()
    {
        _body?.Dispose();
        _streamedText?.Dispose();
    }
}
