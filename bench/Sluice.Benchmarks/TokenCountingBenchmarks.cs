using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using Sluice.Usage.Tokenizing;

namespace Sluice.Benchmarks;

/// <summary>
/// Counting o200k_base tokens, as usage estimates and token reservations do: Sluice's <see cref="O200kTokenCounter"/>
/// against Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c> it replaced (the baseline). <c>Prompt</c> is a chat
/// prompt of prose and code (about 2 KB); <c>Punctuation5K</c> is 5,000 '!' in a row, one pre-tokenizer piece that
/// is no token, where the library's merge is quadratic and Sluice's is O(n log n).
/// </summary>
[MemoryDiagnoser]
public class TokenCountingBenchmarks
{
    private const string Prose = """
        You are a helpful assistant for a platform team. Summarise the incident below in three bullet points, then
        suggest one follow-up action. Incident: at 14:02 UTC the gateway's p99 latency rose from 180 ms to 2.4 s for
        the gpt-4o route; Azure OpenAI answered 429 with retry-after: 7, and the fallback to the Bedrock backend took
        over after 3 retries. Tokens used in the window: 1,234,567 input and 345,678 output. Here is the config:
        ```yaml
        apiVersion: aigateway.envoyproxy.io/v1alpha1
        kind: AIGatewayRoute
        spec:
          rules:
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-4o}]}]
              backendRefs: [{name: azure-openai, priority: 0}, {name: bedrock, priority: 1}]
        ```
        And the client code: `var answer = await client.CompleteChatAsync(messages, options, cancellationToken);`
        ¿Puedes también responder en español? 日本語での要約もお願いします。Thanks! 🙂
        """;

    private O200kTokenCounter _counter = null!;
    private Tokenizer _library = null!;
    private string _text = "";

    [Params("Prompt", "Punctuation5K")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _counter = O200kTokenCounter.Load();
        _library = TiktokenTokenizer.CreateForEncoding("o200k_base");
        _text = Text == "Prompt" ? Prose : new string('!', 5_000);
    }

    [Benchmark]
    public int Sluice() => _counter.CountTokens(_text);

    [Benchmark(Baseline = true)]
    public int Library() => _library.CountTokens(_text);
}
