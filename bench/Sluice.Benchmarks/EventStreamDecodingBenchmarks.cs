using Amazon.Runtime.EventStreams.Internal;
using BenchmarkDotNet.Attributes;
using Sluice.Translation.Bedrock;

namespace Sluice.Benchmarks;

/// <summary>
/// AWS event-stream decoding alone (both CRCs checked) on a ConverseStream answer, one frame per read as a paced
/// stream arrives, and in 16 KB reads that cut frames anywhere, as a fast upstream fills the read buffer:
/// <see cref="EventStreamFrames"/> (Sluice's decoder; each frame's <c>:event-type</c> and payload are read, as the
/// translators do), and the AWS SDK's <c>EventStreamDecoder</c> it replaced, as the baseline (<c>Sdk*</c>). Compare
/// 20 and 200 frames: the difference over 180 is the cost per frame.
/// </summary>
[MemoryDiagnoser]
public class EventStreamDecodingBenchmarks
{
    private byte[][] _frames = [];
    private byte[][] _reads = [];

    // Not named Events: the report pairs Events=20 with Events=200 in its verdict on the passthrough SSE copy.
    [Params(20, 200)]
    public int Frames { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frames = ProviderPayloads.ConverseStream(Frames);
        _reads = ProviderPayloads.Reads(_frames, 16 * 1024);
    }

    [Benchmark]
    public int FramePerRead() => Decode(_frames);

    [Benchmark]
    public int Reads16KB() => Decode(_reads);

    [Benchmark]
    public int SdkFramePerRead() => SdkDecode(_frames);

    [Benchmark]
    public int SdkReads16KB() => SdkDecode(_reads);

    private static int Decode(byte[][] reads)
    {
        using var decoder = new EventStreamFrames();
        var decoded = 0;
        foreach (var chunk in reads)
        {
            var read = new ReadOnlySpan<byte>(chunk);
            string? error;
            while (decoder.TryReadFrame(ref read, out var frame, out error))
            {
                decoded += frame.TryGetString(":event-type"u8, out var eventType) ? eventType.Length + frame.Payload.Length : 0;
            }

            if (error is not null)
            {
                throw new InvalidOperationException(error);
            }
        }

        return decoded;
    }

    /// <summary>As Sluice used the SDK's decoder: a handler collects the messages; reads start at index 0.</summary>
    private static int SdkDecode(byte[][] reads)
    {
        using var decoder = new EventStreamDecoder();
        var decoded = 0;
        decoder.MessageReceived += (_, e) => decoded += e.Message.Payload.Length;
        foreach (var read in reads)
        {
            decoder.ProcessData(read, 0, read.Length);
        }

        return decoded;
    }
}
