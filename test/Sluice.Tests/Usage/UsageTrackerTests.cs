using System.Text;
using Microsoft.ML.Tokenizers;

namespace Sluice.Usage;

public sealed class UsageTrackerTests
{
    private static readonly byte[] RequestBody = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"Say hi"}],"stream":true}""");

    [Fact]
    public void ObserveEvent_StreamCutShort_EstimatesFromTheUnescapedStreamedText()
    {
        using var tracker = new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: false);

        Assert.True(tracker.ObserveEvent(Chunk("first-model", """Hello \"world\"\n""")));
        Assert.True(tracker.ObserveEvent(Chunk("second-model", """caf\u00e9 ☕""")));
        tracker.EstimateIfMissing(RequestBody);

        var tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");
        Assert.Equal("first-model", tracker.ResponseModel);
        Assert.True(tracker.Usage!.Value.Estimated);
        Assert.Equal(tokenizer.CountTokens("Hello \"world\"\ncafé ☕"), tracker.Usage.Value.Output);
        Assert.Equal(tokenizer.CountTokens("user\nSay hi\n"), tracker.Usage.Value.Input); // every string of messages, roles too
    }

    [Fact]
    public void ObserveEvent_UsageOnlyChunkAfterTheText_IsHeldBackAndWins()
    {
        using var tracker = new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: true);

        Assert.True(tracker.ObserveEvent(Chunk("m", "Hi")));
        Assert.False(tracker.ObserveEvent(Encoding.UTF8.GetBytes(
            """data: {"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""" + "\n\n")));
        Assert.True(tracker.ObserveEvent("data: [DONE]\n\n"u8));
        tracker.EstimateIfMissing(RequestBody);

        Assert.Equal(new TokenUsage(5, 0, 0, 1, 0, 6), tracker.Usage);
        Assert.False(tracker.Usage!.Value.Estimated);
    }

    [Fact]
    public void ObserveEvent_HalfASurrogatePairInTheStreamAndPrompt_KeepsCountingItAsAReplacementCharacter()
    {
        using var tracker = new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: true);
        using var replaced = new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: true);

        Assert.True(tracker.ObserveEvent(Chunk("""m\ud83d""", """a\ud83d""")));
        Assert.True(tracker.ObserveEvent(Chunk("m", """\ude00 b""")));
        tracker.EstimateIfMissing(Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"a\ud800b"}]}"""));
        Assert.True(replaced.ObserveEvent(Chunk("m", """a\ufffd\ufffd b""")));
        replaced.EstimateIfMissing(Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"a\ufffdb"}]}"""));

        Assert.Equal("m\uFFFD", tracker.ResponseModel);
        Assert.True(tracker.Usage!.Value.Estimated);
        Assert.Equal(replaced.Usage, tracker.Usage);
        Assert.True(tracker.Usage.Value.Output > 0);
    }

    [Fact]
    public void ObserveEvent_UnreadablePropertyNames_AreSkippedAndTheUsageStillCounts()
    {
        using var tracker = new UsageTracker(TimeProvider.System, TimeProvider.System.GetTimestamp(), dropUsageOnlyChunk: true);

        Assert.True(tracker.ObserveEvent(Encoding.UTF8.GetBytes(
            """data: {"\ud800":1,"model":"m","choices":[{"index":0,"delta":{"\udc00":"x","content":"Hi"}}]}""" + "\n\n")));
        Assert.False(tracker.ObserveEvent(Encoding.UTF8.GetBytes(
            """data: {"model":"m","choices":[],"usage":{"\ud800":2,"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""" + "\n\n")));

        Assert.Equal("m", tracker.ResponseModel);
        Assert.Equal(new TokenUsage(5, 0, 0, 1, 0, 6), tracker.Usage);
    }

    private static byte[] Chunk(string model, string escapedContent) => Encoding.UTF8.GetBytes(
        $$$"""data: {"model":"{{{model}}}","choices":[{"index":0,"delta":{"content":"{{{escapedContent}}}"}}]}""" + "\n\n");
}
