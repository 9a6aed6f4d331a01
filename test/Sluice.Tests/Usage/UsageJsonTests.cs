using System.Text;

namespace Sluice.Usage;

public sealed class UsageJsonTests
{
    [Fact]
    public void ChatCompletion_ReadsEveryCountAndTheModel()
    {
        const string json = """
            {"id":"x","model":"gpt-5-nano-2025-08-07","choices":[{"index":0,"message":{"content":"hi","usage":"not this"}}],
             "usage":{"completion_tokens":377,"completion_tokens_details":{"reasoning_tokens":320},"prompt_tokens":8,
                      "prompt_tokens_details":{"cached_tokens":2,"cache_creation_tokens":3},"total_tokens":385}}
            """;

        var observation = Read(json);

        Assert.Equal(new TokenUsage(8, 2, 3, 377, 320, 385), observation.Usage);
        Assert.Equal("gpt-5-nano-2025-08-07", observation.Model);
        Assert.False(observation.IsUsageOnlyChunk);
    }

    [Fact]
    public void UsageOnlyStreamChunk_IsRecognised()
    {
        var observation = Read("""{"id":"c","object":"chat.completion.chunk","model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""");

        Assert.True(observation.IsUsageOnlyChunk);
        Assert.Equal(12, observation.Usage!.Value.Total);
    }

    [Fact]
    public void ContentChunkWithNullUsage_HasNoUsage()
    {
        var observation = Read("""{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}""");

        Assert.Null(observation.Usage);
        Assert.False(observation.IsUsageOnlyChunk);
    }

    [Theory]
    [InlineData("""{"model":"m","choices":"x","usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""")]
    [InlineData("""{"model":"m","choices":5,"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""")]
    [InlineData("""{"model":"m","choices":{"index":0},"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""")]
    [InlineData("""{"model":"m","choices":null,"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""")]
    public void ChoicesNotAnArray_IsSkippedAndTheUsageAfterItRead(string json)
    {
        var observation = Read(json);

        Assert.Equal(new TokenUsage(5, 0, 0, 7, 0, 12), observation.Usage);
        Assert.Equal("m", observation.Model);
        Assert.False(observation.IsUsageOnlyChunk);
    }

    [Theory]
    [InlineData("""{"model":5,"usage":{"prompt_tokens":"5","completion_tokens":1.5,"total_tokens":-1,"prompt_tokens_details":[1],"completion_tokens_details":"x"}}""")]
    [InlineData("""{"model":{},"usage":{"prompt_tokens":null,"completion_tokens":{},"total_tokens":[],"prompt_tokens_details":{"cached_tokens":"2"}}}""")]
    public void WrongTypedCounts_ReadAsZeroWithoutAnException(string json)
    {
        var observation = Read(json);

        Assert.Equal(0, observation.Usage!.Value.Input);
        Assert.Equal(0, observation.Usage!.Value.Output);
        Assert.Null(observation.Model);
    }

    [Fact]
    public void Embeddings_HaveInputAndTotalOnly()
    {
        var observation = Read("""{"object":"list","data":[{"embedding":[0.1,0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}}""");

        Assert.Equal(new TokenUsage(4, 0, 0, 0, 0, 4), observation.Usage);
    }

    [Fact]
    public void ResponsesApiCompletedEvent_ReadsTheNestedUsage()
    {
        var observation = Read("""{"type":"response.completed","response":{"id":"r","model":"gpt-4o","usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":30}}}""");

        Assert.Equal(new TokenUsage(10, 4, 0, 20, 5, 30), observation.Usage);
        Assert.Equal("gpt-4o", observation.Model);
    }

    [Fact]
    public void SseSplitter_HandlesEventsSplitAcrossReadsAndSeveralPerRead()
    {
        using var splitter = new SseEventSplitter();
        var events = new List<string>();
        foreach (var piece in new[] { "data: {\"a\"", ":1}\n\n", "data: {\"b\":2}\n\nda", "ta: [DONE]\n\n" })
        {
            splitter.Append(Encoding.UTF8.GetBytes(piece));
            while (splitter.TryReadEvent(out var sseEvent))
            {
                events.Add(Encoding.UTF8.GetString(sseEvent.Span));
            }

            splitter.ReleaseIfDrained(); // as the copier does between reads: a pending tail must survive it
        }

        Assert.True(splitter.Remainder.IsEmpty);
        Assert.Equal(["data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n", "data: [DONE]\n\n"], events);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(SseEventSplitter.DataOf(Encoding.UTF8.GetBytes(events[0]))));
        Assert.True(SseEventSplitter.DataOf(Encoding.UTF8.GetBytes(events[2])).IsEmpty);
    }

    private static UsageObservationResult Read(string json)
    {
        var observation = default(UsageObservation);
        Assert.True(UsageJson.TryRead(Encoding.UTF8.GetBytes(json), ref observation));
        return new UsageObservationResult(observation.Usage, observation.Model, observation.IsUsageOnlyChunk);
    }

    private sealed record UsageObservationResult(TokenUsage? Usage, string? Model, bool IsUsageOnlyChunk);
}
