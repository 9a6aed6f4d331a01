using System.Net;
using Sluice.Infrastructure;
using Sluice.Simulator;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>
/// Sluice's AzureOpenAI path (deployment path, api-version, api-key) against <c>sluice simulate</c>'s Azure
/// endpoints: the answer and its usage are what the simulator's own /v1/chat/completions gives.
/// </summary>
public sealed class AzureOpenAISimulatorTests : IAsyncLifetime
{
    private const string Request = """{"model":"gpt-4o","messages":[{"role":"user","content":"Tell me about bridges."}]}""";

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
    public async Task Chat_WithApiKey_MatchesTheSimulatorsChatAnswerAndUsage()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(AzureConfig(_simulator.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", Request));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("api-key", response.Headers.GetValues("x-sim-saw-credential").Single());
        Assert.Equal(await DirectAsync(Request), ChatAnswer.FromCompletion(body));
    }

    [Fact]
    public async Task Chat_Streamed_WithApiKey_MatchesTheSimulatorsChatAnswerAndUsage()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(AzureConfig(_simulator.Port));

        using var response = await gateway.Client.SendAsync(Post(
            "/v1/chat/completions", Request.Replace("\"messages\"", "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\"", StringComparison.Ordinal)));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(await DirectAsync(Request), ChatAnswer.FromStream(body));
        var log = System.Text.Json.JsonDocument.Parse((await gateway.WaitForAccessLogAsync(1))[0]).RootElement;
        Assert.Equal("azure.openai", log.GetProperty("gen_ai.provider.name").GetString());
        Assert.Equal(24, log.GetProperty("gen_ai.usage.output_tokens").GetInt32());
    }

    /// <summary>Schema AzureOpenAI with an AzureAPIKey policy, the model sent to the deployment "my-gpt4o".</summary>
    private static string AzureConfig(int port) => Configs.OpenAI(port, model: "gpt-4o", refExtra: "modelNameOverride: my-gpt4o")
        .Replace("schema: {name: OpenAI}", "schema: {name: AzureOpenAI, version: 2025-01-01-preview}", StringComparison.Ordinal)
        + Configs.ApiKey("azure-sim-key", type: "AzureAPIKey");

    private async Task<ChatAnswer> DirectAsync(string body)
    {
        using var response = await _direct.SendAsync(Post("/v1/chat/completions", body));
        return ChatAnswer.FromCompletion(await response.Content.ReadAsStringAsync());
    }
}
