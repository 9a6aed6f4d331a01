using BenchmarkDotNet.Attributes;
using Sluice.Forwarding;
using Sluice.Translation;
using Sluice.Translation.Anthropic;
using Sluice.Translation.Bedrock;

namespace Sluice.Benchmarks;

/// <summary>
/// OpenAI chat request → provider request, as <see cref="UpstreamAttempt"/> calls it: <see cref="BedrockTranslator"/>
/// (Bedrock Converse) and <see cref="AnthropicTranslator"/> (Anthropic Messages on Bedrock), for a one-line request and
/// a conversation with a system message, a tool call, a tool and an image. The output buffer is reused, as the
/// gateway's pooled one is, so only the translator's own allocations show.
/// </summary>
[MemoryDiagnoser]
public class RequestTranslationBenchmarks
{
    private readonly BedrockTranslator _converse = new(TimeProvider.System);
    private readonly AnthropicTranslator _anthropic = new(null, TimeProvider.System);
    private readonly PooledBufferWriter _output = new(64 * 1024);
    private byte[] _body = [];

    // Not named Size: the report pairs Size=Small with Size=Large100KB in its passthrough verdict.
    [Params(ChatRequest.Small, ChatRequest.Conversation)]
    public ChatRequest Request { get; set; }

    [GlobalSetup]
    public void Setup() => _body = ProviderPayloads.Request(Request);

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark]
    public int Converse() => Translate(_converse, ProviderPayloads.ConverseModel);

    [Benchmark]
    public int Anthropic() => Translate(_anthropic, ProviderPayloads.AnthropicModel);

    private int Translate(BackendTranslator translator, string model)
    {
        _output.DiscardPrefix(_output.Length);
        var result = translator.TranslateRequest(EndpointKind.ChatCompletions, _body, model, _output);
        return result.Succeeded ? _output.Length : throw new InvalidOperationException($"{result.Param}: {result.Error}");
    }
}
