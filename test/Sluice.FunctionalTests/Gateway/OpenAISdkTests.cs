using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Sluice.Infrastructure;
using Sluice.Simulator;

namespace Sluice.Gateway;

/// <summary>The official OpenAI .NET SDK talking to Sluice, which routes to the simulator: what users do first.</summary>
public sealed class OpenAISdkTests : IAsyncLifetime
{
    private SimulatorServer _simulator = null!;
    private GatewayUnderTest _gateway = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        var extraRule = """
            - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: text-embedding-3-small}]}]
              backendRefs: [{name: openai}]
            """;
        _gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(_simulator.Port, extraRule: extraRule) + Configs.ApiKey("sk-simulated"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task CompleteChat_ReturnsTheModelsAnswerAndUsage()
    {
        var client = Client().GetChatClient("gpt-4o-mini");

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Hello!")]);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Equal("gpt-4o-mini", completion.Model);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_DeliversEveryTokenAndTheUsage()
    {
        var client = Client().GetChatClient("gpt-4o-mini");
        var text = new System.Text.StringBuilder();
        var contentUpdates = 0;
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")]) /* the SDK asks for include_usage itself */)
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                contentUpdates++;
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.NotNull(usage);
        Assert.Equal(usage.OutputTokenCount, contentUpdates - 1); // the first update carries the empty role delta
        Assert.False(string.IsNullOrWhiteSpace(text.ToString()));
        Assert.NotNull(finish);
    }

    [Fact]
    public async Task GenerateEmbedding_ReturnsAVector()
    {
        var client = Client().GetEmbeddingClient("text-embedding-3-small");

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("hello world");

        Assert.True(embedding.ToFloats().Length > 0);
    }

    [Fact]
    public async Task UnknownModel_RaisesA404WithTheGatewaysMessage()
    {
        var client = Client().GetChatClient("no-such-model");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
    }

    private OpenAIClient Client() => new(new ApiKeyCredential("client-key-unused-by-backend"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseAddress, "v1") });
}
