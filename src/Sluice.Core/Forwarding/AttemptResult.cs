using System.Buffers;

namespace Sluice.Forwarding;

/// <summary>How an attempt failed, before anything reached the client.</summary>
internal enum AttemptFailure
{
    None,
    ConnectFailure,
    Reset,
    Timeout,
    Status,
    Auth,
    ClientAborted,

    /// <summary>
    /// The request cannot be expressed in the backend's API (a 422, or a 404 for an endpoint it lacks), or holds text
    /// that cannot be read for translating (a 400).
    /// </summary>
    Untranslatable,
}

/// <summary>
/// One attempt's outcome, not yet committed to the client: an accepted response (with, for a stream, its first
/// bytes already read), or a failure with what a retry decision and an error response need. Owns the upstream
/// request, response and buffers until disposed.
/// </summary>
internal sealed class AttemptResult : IDisposable
{
    private byte[]? _firstChunk;

    public required ForwardingContext Forwarding { get; init; }

    public AttemptFailure Failure { get; init; }

    /// <summary>The upstream response: accepted, or an HTTP error that may pass through.</summary>
    public HttpResponseMessage? Response { get; init; }

    /// <summary>For an error of Sluice's own making: what to answer.</summary>
    public GatewayError Error { get; init; }

    public int? StatusOverride { get; init; }

    public string? Message { get; init; }

    /// <summary>The request field an error is about, for the envelope's <c>param</c>.</summary>
    public string? Param { get; init; }

    /// <summary>A stream's first read (pooled), until <see cref="ReleaseFirstChunk"/> or disposal.</summary>
    public byte[]? FirstChunk { get => _firstChunk; init => _firstChunk = value; }

    public int FirstChunkLength { get; init; }

    public IDisposable? Resources { get; init; }

    public bool Accepted => Failure == AttemptFailure.None;

    /// <summary>Returns the first chunk's buffer once it has been forwarded, so a long stream does not hold it.</summary>
    public void ReleaseFirstChunk()
    {
        if (_firstChunk is { } buffer)
        {
            _firstChunk = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        Response?.Dispose();
        Resources?.Dispose();
        ReleaseFirstChunk();
    }
}
