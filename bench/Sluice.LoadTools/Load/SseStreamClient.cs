using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Sluice.LoadTools.Load;

/// <summary>What one SSE answer looked like from the client: when each chunk arrived, and whether it ended well.</summary>
internal sealed record StreamSample(bool Completed, string? Error, double FirstEventUs, double FirstTokenUs, int ContentChunks, double[] GapsUs);

/// <summary>
/// Sends a streaming chat completion and timestamps every SSE event the moment the read that completes it returns
/// (<see cref="Stopwatch"/>, nanosecond resolution on Linux). Time to first token is from just before the request
/// is sent to the first event with non-empty <c>delta.content</c>; gaps are between consecutive content events.
/// One client per path under test, so connection pools are never shared between paths.
/// </summary>
internal sealed class SseStreamClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly byte[] _body;
    private readonly IReadOnlyList<string> _headers;

    /// <param name="headers">extra request headers as wrk's <c>-H</c> takes them (<c>name: value</c>), such as a path's routing header</param>
    public SseStreamClient(Uri url, byte[] body, IReadOnlyList<string>? headers = null)
    {
        _url = url;
        _body = body;
        _headers = headers ?? [];
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = int.MaxValue,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public void Dispose() => _client.Dispose();

    public async Task<StreamSample> RunAsync(int chunks, double tokensPerSecond, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(_body), Version = HttpVersion.Version11 };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("x-sim-completion-tokens", chunks.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("x-sim-tokens-per-second", tokensPerSecond.ToString(CultureInfo.InvariantCulture));
        AddHeaders(request, _headers);
        var tokenTimes = new List<long>(chunks);
        long firstEvent = 0;
        var done = false;
        string? error = null;
        var started = Stopwatch.GetTimestamp();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var pending = new ArrayBufferWriter<byte>(1024);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return Failed($"HTTP {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var now = Stopwatch.GetTimestamp();
                var data = buffer.AsSpan(0, read);
                while (!data.IsEmpty)
                {
                    var newline = data.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        pending.Write(data);
                        break;
                    }

                    pending.Write(data[..(newline + 1)]);
                    data = data[(newline + 1)..];
                    var line = pending.WrittenSpan;
                    if (line.Length == 1)
                    {
                        pending.ResetWrittenCount(); // a blank line outside an event
                    }
                    else if (line[^2] == (byte)'\n')
                    {
                        firstEvent = firstEvent == 0 ? now : firstEvent;
                        switch (Classify(line))
                        {
                            case EventKind.Content:
                                tokenTimes.Add(now);
                                break;
                            case EventKind.Done:
                                done = true;
                                break;
                            case EventKind.Error:
                                error ??= "error event";
                                break;
                        }

                        pending.ResetWrittenCount();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            error = cancellationToken.IsCancellationRequested ? "timed out" : ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (error is null && !done)
        {
            error = "ended without [DONE]";
        }

        if (error is null && tokenTimes.Count != chunks)
        {
            error = $"{tokenTimes.Count} content chunks, expected {chunks}";
        }

        var gaps = new double[Math.Max(0, tokenTimes.Count - 1)];
        for (var i = 1; i < tokenTimes.Count; i++)
        {
            gaps[i - 1] = Microseconds(tokenTimes[i] - tokenTimes[i - 1]);
        }

        return new StreamSample(error is null, error, firstEvent == 0 ? double.NaN : Microseconds(firstEvent - started),
            tokenTimes.Count == 0 ? double.NaN : Microseconds(tokenTimes[0] - started), tokenTimes.Count, gaps);
    }

    /// <summary>Adds headers written as <c>name: value</c> (wrk's <c>-H</c> form) to a request.</summary>
    public static void AddHeaders(HttpRequestMessage request, IReadOnlyList<string> headers)
    {
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }
    }

    private static StreamSample Failed(string error) => new(false, error, double.NaN, double.NaN, 0, []);

    private static double Microseconds(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static EventKind Classify(ReadOnlySpan<byte> sseEvent)
    {
        if (sseEvent.IndexOf("data: [DONE]"u8) >= 0)
        {
            return EventKind.Done;
        }

        if (sseEvent.IndexOf("\"error\":"u8) >= 0)
        {
            return EventKind.Error;
        }

        // The role chunk carries "content":"" and the finish chunk an empty delta: neither is a token.
        var content = sseEvent.IndexOf("\"content\":\""u8);
        var valueStart = content + "\"content\":\"".Length;
        return content >= 0 && valueStart < sseEvent.Length && sseEvent[valueStart] != (byte)'"' ? EventKind.Content : EventKind.Other;
    }

    private enum EventKind
    {
        Other,
        Content,
        Done,
        Error,
    }
}
