using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Forwarding;

namespace Sluice.Benchmarks;

/// <summary>
/// Reading the request body into the pooled buffer routing needs. The body arrives as 4 KB segments, as Kestrel
/// hands them over; the copy target comes from <see cref="ArrayPool{T}.Shared"/> and goes back after the request.
/// One request context is reused (Kestrel reuses its own per connection), so only the reader's allocations show.
/// </summary>
[MemoryDiagnoser]
public class RequestBodyReaderBenchmarks
{
    private readonly DefaultHttpContext _context = new();
    private readonly SequenceBodyFeature _body = new();
    private ReadOnlySequence<byte> _segments;

    [Params(BodySize.Small, BodySize.Large100KB)]
    public BodySize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = RequestBodies.Create(Size);
        _segments = Segments.Split(body, 4096);
        _context.Features.Set<IRequestBodyPipeFeature>(_body);
        _context.Request.ContentLength = body.Length;
    }

    [Benchmark]
    public async Task<int> ReadBody()
    {
        _body.Reader = PipeReader.Create(_segments);
        var (status, body) = await RequestBodyReader.ReadAsync(_context.Request, 50 * 1024 * 1024, CancellationToken.None);
        if (status != BodyReadStatus.Ok || body is null)
        {
            throw new InvalidOperationException(status.ToString());
        }

        using (body)
        {
            return body.Length;
        }
    }

    private sealed class SequenceBodyFeature : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; set; } = PipeReader.Create(ReadOnlySequence<byte>.Empty);
    }
}

/// <summary>Splits a buffer into a multi-segment <see cref="ReadOnlySequence{T}"/>.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] data, int segmentSize)
    {
        var first = new Segments(data.AsMemory(0, Math.Min(segmentSize, data.Length)), 0);
        var last = first;
        for (var offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            var next = new Segments(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)), offset);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
