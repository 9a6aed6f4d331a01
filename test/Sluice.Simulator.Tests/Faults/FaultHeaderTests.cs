using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Faults;

public class FaultHeaderTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private static readonly string s_streamBody = SimulatorHttp.Chat("fault", "\"stream\":true");

    private HttpClient Client => fixture.Client;

    [Theory]
    [InlineData(500, "server_error")]
    [InlineData(503, "server_error")]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "invalid_request_error")]
    public async Task Status_AnswersWithThatStatusAndEnvelope(int status, string type)
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x"), ("x-sim-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(status, (int)response.StatusCode);
        JsonElement error = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Status429_SendsRetryAfterAndRateLimitHeaders()
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(
            "v1/embeddings", """{"model":"m","input":"x"}""", ("x-sim-status", "429"), ("x-sim-retry-after", "7")));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("7s", response.Headers.GetValues("x-ratelimit-reset-requests").Single());
        JsonElement error = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Status429_WithoutRetryAfterHeader_DefaultsToOneSecond()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x"), ("x-sim-status", "429")));
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task DelayMs_DelaysTheResponseHeaders()
    {
        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", s_streamBody, ("x-sim-delay-ms", "300")),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.True(stopwatch.ElapsedMilliseconds >= 280, $"headers after {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task BreakAfterZero_ResetsBeforeAnyHeaders()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", s_streamBody, ("x-sim-break-after", "0")),
            HttpCompletionOption.ResponseHeadersRead));
    }

    [Fact]
    public async Task BreakAfterN_Streaming_ResetsAfterNContentChunks()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", s_streamBody, ("x-sim-break-after", "3")),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var events = new List<string>();
        Exception? failure = await Record.ExceptionAsync(async () =>
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync();
            await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync())
            {
                events.Add(item.Data);
            }
        });

        Assert.True(failure is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }, $"Expected a premature end, got {failure}");
        Assert.Equal(4, events.Count); // the role chunk and three content chunks
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task BreakAfter_NonStreaming_SendsHeadersThenResets()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x"), ("x-sim-break-after", "1")),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Exception? failure = await Record.ExceptionAsync(() => response.Content.ReadAsStringAsync());
        Assert.True(failure is HttpRequestException or IOException, $"Expected a broken body, got {failure}");
    }

    [Fact]
    public async Task StallAfterN_SendsNChunksThenNothing_UntilTheClientLeaves()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", s_streamBody, ("x-sim-stall-after", "2")),
            HttpCompletionOption.ResponseHeadersRead);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        var events = new List<string>();
        Exception? failure = await Record.ExceptionAsync(async () =>
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(stream).EnumerateAsync(cancel.Token))
            {
                events.Add(item.Data);
            }
        });

        Assert.IsType<OperationCanceledException>(failure, exactMatch: false);
        Assert.Equal(3, events.Count); // the role chunk and two content chunks, then silence
    }

    [Fact]
    public async Task TokensPerSecond_PacesTheStream()
    {
        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post(
                "v1/chat/completions",
                SimulatorHttp.Chat("pace", "\"stream\":true,\"max_tokens\":10"),
                ("x-sim-tokens-per-second", "40")),
            HttpCompletionOption.ResponseHeadersRead);
        List<string> events = await SimulatorHttp.ReadEventsAsync(response);

        Assert.Equal(13, events.Count);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 230, 5000); // 10 tokens at 40/s = 250 ms
    }

    [Fact]
    public async Task CompletionTokens_OverridesTheNaturalLength()
    {
        JsonElement body = await SimulatorHttp.SendJsonAsync(
            Client,
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("long one"), ("x-sim-completion-tokens", "200")));
        Assert.Equal(200, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task BadHeaderValues_AreIgnored()
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(
            "v1/chat/completions",
            SimulatorHttp.Chat("x"),
            ("x-sim-status", "teapot"),
            ("x-sim-delay-ms", "-5"),
            ("x-sim-break-after", "soon"),
            ("x-sim-stall-after", "1.5"),
            ("x-sim-tokens-per-second", "fast"),
            ("x-sim-completion-tokens", "-1")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(24, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task SawHeaders_ReportWhichCredentialArrived()
    {
        using var withBearer = SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x"), ("Authorization", "Bearer sk-test"));
        using HttpResponseMessage bearer = await Client.SendAsync(withBearer);
        Assert.Equal("true", bearer.Headers.GetValues("x-sim-saw-authorization").Single());
        Assert.Equal("false", bearer.Headers.GetValues("x-sim-saw-api-key").Single());

        using HttpResponseMessage apiKey = await Client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x"), ("api-key", "azure-key")));
        Assert.Equal("false", apiKey.Headers.GetValues("x-sim-saw-authorization").Single());
        Assert.Equal("true", apiKey.Headers.GetValues("x-sim-saw-api-key").Single());

        using HttpResponseMessage notFound = await Client.GetAsync("nowhere");
        Assert.Equal("false", notFound.Headers.GetValues("x-sim-saw-authorization").Single());
    }
}
