using BenchmarkDotNet.Attributes;
using Sluice.Forwarding;
using Sluice.Translation.Anthropic;
using Sluice.Translation.Bedrock;

namespace Sluice.Benchmarks;

/// <summary>
/// A whole provider answer → OpenAI <c>chat.completion</c>: <see cref="ConverseResponseTranslator"/> on a Converse
/// answer and <see cref="AnthropicResponseTranslator"/> on an Anthropic Messages answer, each a ~700-byte text with
/// usage (as the passthrough benchmarks' canned answer). One translator per answer, as the gateway creates them; the
/// output buffer is reused.
/// </summary>
[MemoryDiagnoser]
public class ResponseTranslationBenchmarks
{
    private const string Id = "chatcmpl-bench";
    private const long Created = 1795516045;
    private readonly byte[] _converse = ProviderPayloads.ConverseAnswer();
    private readonly byte[] _anthropic = ProviderPayloads.AnthropicAnswer();
    private readonly PooledBufferWriter _output = new(16 * 1024);

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark]
    public int Converse()
    {
        _output.DiscardPrefix(_output.Length);
        using var translator = new ConverseResponseTranslator(Id, ProviderPayloads.ConverseModel, Created);
        return translator.TranslateBody(_converse, _output) ? _output.Length : throw new InvalidOperationException("not a Converse answer");
    }

    [Benchmark]
    public int Anthropic()
    {
        _output.DiscardPrefix(_output.Length);
        using var translator = new AnthropicResponseTranslator(Id, ProviderPayloads.AnthropicModel, Created);
        return translator.TranslateBody(_anthropic, _output) ? _output.Length : throw new InvalidOperationException("not an Anthropic answer");
    }
}
