using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sluice.Simulator.Generation;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>POST /model/{modelId}/converse-stream: AWS event-stream frames, decoded here with the AWS SDK.</summary>
public class ConverseStreamTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string StreamPath = "model/us.amazon.nova-micro-v1%3A0/converse-stream";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Stream_IsMessageStart_ADeltaPerToken_Stops_AndMetadata()
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(StreamPath, ConverseTests.Converse("Hello!")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.amazon.eventstream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("x-amzn-RequestId"));
        List<EventFrame> frames = EventStreamReader.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.All(frames, f => Assert.Equal(("application/json", "event"), (f.ContentType, f.MessageType)));

        Assert.Equal("messageStart", frames[0].EventType);
        Assert.Equal("assistant", frames[0].Payload.GetProperty("role").GetString());
        List<EventFrame> deltas = frames.Where(f => f.EventType == "contentBlockDelta").ToList();
        Assert.Equal(24, deltas.Count);
        Assert.All(deltas, d => Assert.Equal(0, d.Payload.GetProperty("contentBlockIndex").GetInt32()));
        string text = string.Concat(deltas.Select(d => d.Payload.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal(["messageStart", .. Enumerable.Repeat("contentBlockDelta", 24), "contentBlockStop", "messageStop", "metadata"], frames.Select(f => f.EventType));
        Assert.Equal("end_turn", frames[^2].Payload.GetProperty("stopReason").GetString());
        JsonElement usage = frames[^1].Payload.GetProperty("usage");
        Assert.Equal(8, usage.GetProperty("inputTokens").GetInt32());
        Assert.Equal(24, usage.GetProperty("outputTokens").GetInt32());
        Assert.Equal(32, usage.GetProperty("totalTokens").GetInt32());
        Assert.True(frames[^1].Payload.GetProperty("metrics").GetProperty("latencyMs").GetInt64() >= 0);
        Assert.Equal(TokenCounter.Count(text), deltas.Count);

        JsonElement whole = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("model/us.amazon.nova-micro-v1%3A0/converse", ConverseTests.Converse("Hello!")));
        Assert.Equal(whole.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString(), text);
    }

    [Fact]
    public async Task MaxTokens_EndsWithStopReasonMaxTokens()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post(StreamPath, ConverseTests.Converse("Short", "\"inferenceConfig\":{\"maxTokens\":3}")));
        List<EventFrame> frames = EventStreamReader.Decode(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(3, frames.Count(f => f.EventType == "contentBlockDelta"));
        Assert.Equal("max_tokens", frames.Single(f => f.EventType == "messageStop").Payload.GetProperty("stopReason").GetString());
        Assert.Equal(3, frames[^1].Payload.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Fact]
    public async Task Deltas_ArePacedByTokensPerSecond()
    {
        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(
            StreamPath, ConverseTests.Converse("Pace"), ("x-sim-tokens-per-second", "50"), ("x-sim-completion-tokens", "10")));
        List<EventFrame> frames = EventStreamReader.Decode(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(10, frames.Count(f => f.EventType == "contentBlockDelta"));
        Assert.True(stopwatch.ElapsedMilliseconds >= 180, $"10 tokens at 50/s took {stopwatch.ElapsedMilliseconds} ms");
        Assert.True(frames[^1].Payload.GetProperty("metrics").GetProperty("latencyMs").GetInt64() >= 180);
    }

    [Fact]
    public async Task BreakAfter_DropsTheConnectionAfterThatManyDeltas()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post(StreamPath, ConverseTests.Converse("Break"), ("x-sim-break-after", "2")),
            HttpCompletionOption.ResponseHeadersRead);
        using var received = new MemoryStream();
        Stream body = await response.Content.ReadAsStreamAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(received));
        List<EventFrame> frames = EventStreamReader.Decode(received.ToArray());
        Assert.Equal(["messageStart", "contentBlockDelta", "contentBlockDelta"], frames.Select(f => f.EventType));
    }

    [Fact]
    public async Task FrameBytes_AreTheSameForTheSamePrompt()
    {
        byte[] first = await (await Client.SendAsync(SimulatorHttp.Post(StreamPath, ConverseTests.Converse("Same")))).Content.ReadAsByteArrayAsync();
        byte[] second = await (await Client.SendAsync(SimulatorHttp.Post(StreamPath, ConverseTests.Converse("Same")))).Content.ReadAsByteArrayAsync();

        // Every frame but the metadata (its latency is measured) is the same.
        List<EventFrame> a = EventStreamReader.Decode(first);
        List<EventFrame> b = EventStreamReader.Decode(second);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count - 1; i++)
        {
            Assert.Equal(a[i].Payload.GetRawText(), b[i].Payload.GetRawText());
        }
    }
}
