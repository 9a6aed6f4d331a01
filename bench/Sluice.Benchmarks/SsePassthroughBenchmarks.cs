using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Forwarding;
using Sluice.Routing;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Benchmarks;

/// <summary>
/// The streaming passthrough: <see cref="ResponseCopier"/> copying an upstream SSE answer to the client, one event per
/// upstream read and one flush per event, as a paced model stream arrives; with usage accounting (a
/// <see cref="UsageTracker"/> reading every event, as the gateway runs it) and without (bytes only). The client side
/// is a pipe that discards what it is given (Kestrel's own buffers are pooled), so the allocations shown are the
/// copier's. Compare 20 and 200 events: the difference is the cost per event.
/// </summary>
[MemoryDiagnoser]
public class SsePassthroughBenchmarks
{
    private static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");
    private readonly DiscardingPipeWriter _client = new();
    private readonly CancellationTokenSource _deadline = new();
    private UpstreamClientPool? _clients;
    private ForwardingContext? _forwarding;
    private byte[][] _events = [];

    [Params(20, 200)]
    public int Events { get; set; }

    [Params(false, true)]
    public bool UsageAccounting { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _clients = new UpstreamClientPool();
        var snapshot = GeneratedConfig.Build(1, catchAll: false, _clients);
        var rule = snapshot.Routes.Match("model-0", new HeaderDictionary(), null) ?? throw new InvalidOperationException("no rule");
        var backendRef = BackendSelector.Select(rule) ?? throw new InvalidOperationException("no backend");
        _forwarding = new ForwardingContext(EndpointKind.ChatCompletions, "model-0", true, rule, backendRef);
        _events = [.. Enumerable.Range(0, Events).Select(static i => Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-sim-1\",\"object\":\"chat.completion.chunk\",\"created\":1795516045,\"model\":\"model-0\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word" + i + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _clients?.Dispose();
        _deadline.Dispose();
    }

    [Benchmark]
    public async Task<long> CopyStream()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new DiscardingBodyFeature(_client));
        var upstream = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new EventByEventStream(_events)),
        };
        upstream.Content.Headers.ContentType = EventStream;
        using var attempt = new AttemptResult { Forwarding = _forwarding!, Response = upstream };
        using var usage = UsageAccounting ? new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: false) : null;
        var outcome = await ResponseCopier.CopyAsync(context, attempt, _deadline, NullLogger.Instance, usage);
        return outcome == ForwardingOutcome.Completed ? _client.Written : throw new InvalidOperationException(outcome.ToString());
    }

    /// <summary>An upstream body that hands out exactly one SSE event per read (a zero-byte read returns at once).</summary>
    private sealed class EventByEventStream(byte[][] events) : Stream
    {
        private int _next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty || _next == events.Length)
            {
                return 0;
            }

            var current = events[_next++];
            current.CopyTo(buffer);
            return current.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class DiscardingBodyFeature(DiscardingPipeWriter writer) : IHttpResponseBodyFeature
    {
        public Stream Stream => Stream.Null;

        public PipeWriter Writer => writer;

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task CompleteAsync() => Task.CompletedTask;
    }
}

/// <summary>A client connection that accepts everything and keeps nothing: one reused buffer, flushes complete at once.</summary>
internal sealed class DiscardingPipeWriter : PipeWriter
{
    private readonly byte[] _buffer = new byte[64 * 1024];

    public long Written { get; private set; }

    public override void Advance(int bytes) => Written += bytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

    public override Span<byte> GetSpan(int sizeHint = 0) => _buffer;

    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(new FlushResult(false, false));
}
