using BenchmarkDotNet.Attributes;
using Sluice.Forwarding;
using Sluice.Translation;
using Sluice.Translation.Anthropic;
using Sluice.Translation.Bedrock;

namespace Sluice.Benchmarks;

/// <summary>
/// A streamed Bedrock answer → OpenAI SSE, as <see cref="TranslatingStream"/> drives it: the AWS event-stream frames
/// of a ConverseStream (<see cref="ConverseResponseTranslator"/>) or of an InvokeModelWithResponseStream with
/// Anthropic events (<see cref="AnthropicResponseTranslator"/>), one frame per upstream read as a paced model stream
/// arrives, then the end of the stream. One translator per stream; the output buffer is emptied after each read, as
/// the client takes the events. Compare 20 and 200 frames: the difference over 180 is the cost per event.
/// </summary>
[MemoryDiagnoser]
public class StreamTranslationBenchmarks
{
    private const string Id = "chatcmpl-bench";
    private const long Created = 1795516045;
    private readonly PooledBufferWriter _output = new(16 * 1024);
    private byte[][] _converse = [];
    private byte[][] _anthropic = [];

    // Not named Events: the report pairs Events=20 with Events=200 in its verdict on the passthrough SSE copy.
    [Params(20, 200)]
    public int Frames { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _converse = ProviderPayloads.ConverseStream(Frames);
        _anthropic = ProviderPayloads.AnthropicStream(Frames);
    }

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark]
    public long ConverseStream()
    {
        using var translator = new ConverseResponseTranslator(Id, ProviderPayloads.ConverseModel, Created);
        return Translate(translator, _converse);
    }

    [Benchmark]
    public long AnthropicStream()
    {
        using var translator = new AnthropicResponseTranslator(Id, ProviderPayloads.AnthropicModel, Created);
        return Translate(translator, _anthropic);
    }

    private long Translate(ResponseTranslator translator, byte[][] reads)
    {
        long written = 0;
        foreach (var read in reads)
        {
            _output.DiscardPrefix(_output.Length);
            if (!translator.TranslateStream(read, read.Length, _output))
            {
                throw new InvalidOperationException(System.Text.Encoding.UTF8.GetString(_output.WrittenSpan));
            }

            written += _output.Length;
        }

        _output.DiscardPrefix(_output.Length);
        return translator.CompleteStream(_output) ? written + _output.Length : throw new InvalidOperationException("the stream did not finish");
    }
}
