using BenchmarkDotNet.Attributes;
using Sluice.Translation.Bedrock;

namespace Sluice.Benchmarks;

/// <summary>
/// AWS event-stream decoding alone: <see cref="EventStreamFrames.Feed"/> (the AWS SDK's decoder, both CRCs checked)
/// on a ConverseStream answer, one frame per read as a paced stream arrives, and in 16 KB reads that cut frames
/// anywhere, as a fast upstream fills the read buffer. Compare 20 and 200 frames: the difference over 180 is the
/// cost per frame.
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

    private static int Decode(byte[][] reads)
    {
        using var decoder = new EventStreamFrames();
        var decoded = 0;
        foreach (var read in reads)
        {
            decoded += decoder.Feed(read, read.Length, out var error).Count;
            if (error is not null)
            {
                throw new InvalidOperationException(error);
            }
        }

        return decoded;
    }
}
