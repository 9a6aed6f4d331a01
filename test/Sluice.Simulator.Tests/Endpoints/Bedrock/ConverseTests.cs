using System.Net;
using System.Text.Json;
using Sluice.Simulator.Generation;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints.Bedrock;

/// <summary>POST /model/{modelId}/converse: Bedrock's JSON answer, deterministic like the chat endpoint's.</summary>
public class ConverseTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string ConversePath = "model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Converse_AnswersWithOutputStopReasonUsageAndMetrics()
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(ConversePath, Converse("Hello!")));
        string json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
        JsonElement body = SimulatorHttp.Parse(json);
        JsonElement message = body.GetProperty("output").GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        string text = Assert.Single(message.GetProperty("content").EnumerateArray()).GetProperty("text").GetString()!;
        Assert.Equal("end_turn", body.GetProperty("stopReason").GetString());
        JsonElement usage = body.GetProperty("usage");
        Assert.Equal(8, usage.GetProperty("inputTokens").GetInt32()); // as the chat endpoint counts "Hello!"
        Assert.Equal(24, usage.GetProperty("outputTokens").GetInt32());
        Assert.Equal(32, usage.GetProperty("totalTokens").GetInt32());
        Assert.Equal(TokenCounter.Count(text), usage.GetProperty("outputTokens").GetInt32());
        Assert.Equal(0, body.GetProperty("metrics").GetProperty("latencyMs").GetInt64());
    }

    [Fact]
    public async Task Converse_GivesTheChatEndpointsAnswerAndUsage_SystemIncluded()
    {
        const string converse = """
            {"messages":[{"role":"user","content":[{"text":"Capital of France?"}]}],
             "system":[{"text":"Be brief."},{"text":"Answer in English."}],"inferenceConfig":{"temperature":0.2}}
            """;
        const string chat = """
            {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"Answer in English."},
             {"role":"user","content":"Capital of France?"}]}
            """;
        JsonElement bedrock = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post(ConversePath, converse));
        JsonElement openai = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/chat/completions", chat));

        Assert.Equal(
            openai.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            bedrock.GetProperty("output").GetProperty("message").GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(openai.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), bedrock.GetProperty("usage").GetProperty("inputTokens").GetInt32());
    }

    [Fact]
    public async Task MaxTokens_CutsTheAnswer_WithStopReasonMaxTokens()
    {
        JsonElement body = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post(ConversePath, Converse("Cut", "\"inferenceConfig\":{\"maxTokens\":5}")));

        Assert.Equal("max_tokens", body.GetProperty("stopReason").GetString());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("outputTokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"system":[{"text":"s"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":[{"text":"x"}]}],"inferenceConfig":{"maxTokens":0}}""")]
    [InlineData("""{"messages":""")]
    public async Task InvalidBody_IsAValidationException_InBedrocksShape(string body)
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(ConversePath, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("ValidationException:", response.Headers.GetValues("x-amzn-ErrorType").Single(), StringComparison.Ordinal);
        JsonElement error = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(error.TryGetProperty("error", out _));
    }

    [Theory]
    [InlineData(429, "ThrottlingException")]
    [InlineData(503, "ServiceUnavailableException")]
    [InlineData(500, "InternalServerException")]
    [InlineData(403, "AccessDeniedException")]
    public async Task StatusFault_IsTheBedrockException(int status, string exception)
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(
            ConversePath, Converse("x"), ("x-sim-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.StartsWith(exception + ":", response.Headers.GetValues("x-amzn-ErrorType").Single(), StringComparison.Ordinal);
        Assert.Contains("x-sim-status", SimulatorHttp.Parse(await response.Content.ReadAsStringAsync()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnySignature_IsAccepted_AndReportedAsSigV4()
    {
        using HttpRequestMessage request = SimulatorHttp.Post("model/arn:aws:bedrock:us-east-1:123:inference-profile%2Fus.amazon.nova-micro-v1:0/converse", Converse("x"));
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=00");
        using HttpResponseMessage response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("aws-sigv4", response.Headers.GetValues("x-sim-saw-credential").Single());
    }

    internal static string Converse(string text, string extra = "") =>
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":" + JsonSerializer.Serialize(text) + "}]}]"
        + (extra.Length > 0 ? "," + extra : string.Empty) + "}";
}
