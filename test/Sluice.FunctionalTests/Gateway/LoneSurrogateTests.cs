using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using Sluice.RateLimiting;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>
/// Lone UTF-16 surrogate escapes (<c>"\ud83d"</c>: valid JSON that System.Text.Json will not unescape) in requests
/// and answers: passed through untouched where Sluice only reads, refused with a 400 where it needs the text.
/// </summary>
public sealed class LoneSurrogateTests
{
    private const string Model = "us.amazon.nova-micro-v1:0";

    [Fact]
    public async Task StreamedChat_LoneSurrogatesBothWays_PassThroughUnchangedAndAreCounted()
    {
        const string upstreamEvents = """
            data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"a\ud83d"}}]}

            data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"\ude00 b"}}]}


            """;
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(upstreamEvents.ReplaceLineEndings("\n"));
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);
            context.Abort(); // cut before any usage: the gateway must estimate it from the text with half pairs
        });
        // Token reservations estimate the prompt at admission; include_usage is added to the streamed request.
        await using var gateway = await GatewayUnderTest.StartAsync(RateLimitTests.Yaml(upstream.Port, RateLimitTests.OutputTokenRule(100_000)), rateLimit: new RateLimitOptions { Reservation = true });
        const string request = """{"model":"gpt-4o-mini","stream":true,"\ud800":"x","messages":[{"role":"user","content":"hi a\ud83d b"}]}""";

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", request));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(upstreamEvents.ReplaceLineEndings("\n").TrimEnd('\n') + "\n\n", text, StringComparison.Ordinal); // bytes as the upstream sent them
        Assert.Contains("\"code\":\"upstream_interrupted\"", text, StringComparison.Ordinal);
        Assert.Equal("""{"model":"gpt-4o-mini","stream":true,"\ud800":"x","messages":[{"role":"user","content":"hi a\ud83d b"}],"stream_options":{"include_usage":true}}""", upstream.LastRequest.BodyText);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("StreamInterrupted", log.GetProperty("outcome").GetString());
        Assert.True(log.GetProperty("gen_ai.usage.estimated").GetBoolean());
        Assert.InRange(log.GetProperty("gen_ai.usage.input_tokens").GetInt64(), 2, 20);
        Assert.InRange(log.GetProperty("gen_ai.usage.output_tokens").GetInt64(), 2, 10);
    }

    [Fact]
    public async Task Model_WithALoneSurrogateEscape_Is400NamingTheModel()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini\ud83d","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadError(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task BedrockChat_LoneSurrogateEscapeInAMessage_Is400NamingTheField()
    {
        await using var bedrock = await FakeBedrock.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"},{"role":"user","content":[{"type":"text","text":"a\ud83d"}]}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadError(response);
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal("messages[2].content[0].text", error.GetProperty("param").GetString());
        Assert.Contains("is not valid Unicode text", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(bedrock.Calls);
    }

    [Fact]
    public async Task BedrockStream_HalfASurrogatePair_IsAReplacementCharacterAndTheStreamFinishes()
    {
        await using var bedrock = await FakeBedrock.StartAsync((context, _) => FakeBedrock.FramesAsync(context, FakeBedrock.TextStream("a\\ud83d", "\\ude00b")));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(bedrock.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(static e => e["data: ".Length..]).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", events[^1]);
        var content = events[..^1].Select(static e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Where(static c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(static c => c[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(["a\uFFFD", "\uFFFDb"], content);
        var log = JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("Completed", log.GetProperty("outcome").GetString());
        Assert.Equal(3, log.GetProperty("gen_ai.usage.output_tokens").GetInt32());
    }
}
