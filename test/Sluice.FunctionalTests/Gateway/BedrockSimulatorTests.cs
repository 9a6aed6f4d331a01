using System.Net;
using Sluice.Infrastructure;
using Sluice.Simulator;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>
/// Sluice's AWSBedrock path (OpenAI chat → Converse / ConverseStream, SigV4) against <c>sluice simulate</c>'s
/// Bedrock endpoints: the answer and its usage are what the simulator's own /v1/chat/completions gives.
/// </summary>
public sealed class BedrockSimulatorTests : IAsyncLifetime
{
    private const string Model = "anthropic.claude-3-haiku-20240307-v1:0";
    private const string Messages = """[{"role":"system","content":"Be brief."},{"role":"user","content":"Tell me about rivers."}]""";

    private SimulatorServer _simulator = null!;
    private HttpClient _direct = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        _direct = new HttpClient { BaseAddress = _simulator.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _direct.Dispose();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Chat_ThroughConverse_MatchesTheSimulatorsChatAnswerAndUsage()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(_simulator.Port, model: Model));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", $$"""{"model":"{{Model}}","messages":{{Messages}}}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("aws-sigv4", response.Headers.GetValues("x-sim-saw-credential").Single());
        var expected = await DirectAsync($$"""{"model":"{{Model}}","messages":{{Messages}}}""");
        Assert.Equal(expected, ChatAnswer.FromCompletion(body));
        Assert.Equal(24, expected.CompletionTokens);
    }

    [Fact]
    public async Task Chat_Streamed_ThroughConverseStream_MatchesTheSimulatorsChatAnswerAndUsage()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(_simulator.Port, model: Model));

        using var response = await gateway.Client.SendAsync(Post(
            "/v1/chat/completions", $$"""{"model":"{{Model}}","stream":true,"stream_options":{"include_usage":true},"messages":{{Messages}}}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await DirectAsync($$"""{"model":"{{Model}}","messages":{{Messages}}}"""), ChatAnswer.FromStream(body));
        var log = System.Text.Json.JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("aws.bedrock", log.GetProperty("gen_ai.provider.name").GetString());
        Assert.False(log.TryGetProperty("gen_ai.usage.estimated", out _)); // Bedrock's own numbers
        Assert.Equal(24, log.GetProperty("gen_ai.usage.output_tokens").GetInt32());
    }

    [Fact]
    public async Task MaxTokens_BecomesMaxTokensStop_AndFinishReasonLength()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.Bedrock(_simulator.Port, model: Model));
        var request = $$"""{"model":"{{Model}}","max_tokens":5,"messages":{{Messages}}}""";

        using var whole = await gateway.Client.SendAsync(Post("/v1/chat/completions", request));
        using var streamed = await gateway.Client.SendAsync(Post("/v1/chat/completions", request.Replace("\"max_tokens\":5", "\"max_tokens\":5,\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal)));

        var expected = await DirectAsync(request);
        Assert.Equal(("length", 5), (expected.FinishReason, expected.CompletionTokens));
        Assert.Equal(expected, ChatAnswer.FromCompletion(await whole.Content.ReadAsStringAsync()));
        Assert.Equal(expected, ChatAnswer.FromStream(await streamed.Content.ReadAsStringAsync()));
    }

    private async Task<ChatAnswer> DirectAsync(string body)
    {
        using var response = await _direct.SendAsync(Post("/v1/chat/completions", body));
        return ChatAnswer.FromCompletion(await response.Content.ReadAsStringAsync());
    }
}
