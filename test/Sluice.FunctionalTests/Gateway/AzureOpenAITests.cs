using System.Net;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

public sealed class AzureOpenAITests
{
    private static string AzureConfig(int port) => Configs.OpenAI(port, refExtra: "modelNameOverride: my-gpt4o-deployment")
        .Replace("schema: {name: OpenAI}", "schema: {name: AzureOpenAI, version: 2025-01-01-preview}", StringComparison.Ordinal)
        + Configs.ApiKey("azure-secret-key", type: "AzureAPIKey");

    [Fact]
    public async Task Chat_IsSentToTheDeploymentPath_WithApiKeyHeaderAndNoAuthorization()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(AzureConfig(upstream.Port));

        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}""");
        request.Headers.Authorization = new("Bearer", "client-token");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = upstream.LastRequest;
        Assert.Equal("/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2025-01-01-preview", received.PathAndQuery);
        Assert.Equal("azure-secret-key", received.Header("api-key"));
        Assert.Null(received.Header("Authorization"));
    }

    [Fact]
    public async Task Embeddings_UseTheEmbeddingsDeploymentPath()
    {
        await using var upstream = await TestUpstream.JsonAsync("""{"object":"list","data":[]}""");
        await using var gateway = await GatewayUnderTest.StartAsync(AzureConfig(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/embeddings", """{"model":"gpt-4o-mini","input":"hi"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/openai/deployments/my-gpt4o-deployment/embeddings?api-version=2025-01-01-preview", upstream.LastRequest.PathAndQuery);
    }

    [Fact]
    public async Task Responses_GoToTheAzureResponsesPath()
    {
        await using var upstream = await TestUpstream.JsonAsync("""{"object":"response"}""");
        await using var gateway = await GatewayUnderTest.StartAsync(AzureConfig(upstream.Port));

        using var response = await gateway.Client.SendAsync(Post("/v1/responses", """{"model":"gpt-4o-mini","input":"hi"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/openai/responses?api-version=2025-01-01-preview", upstream.LastRequest.PathAndQuery);
        Assert.Equal("""{"model":"my-gpt4o-deployment","input":"hi"}""", upstream.LastRequest.BodyText);
    }

    [Fact]
    public async Task OpenAISchemaWithAzureV1Prefix_UsesThePrefix()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var yaml = Configs.OpenAI(upstream.Port).Replace("schema: {name: OpenAI}", "schema: {name: OpenAI, prefix: /openai/v1}", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var chat = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}"""));
        Assert.Equal("/openai/v1/chat/completions", upstream.LastRequest.PathAndQuery);
        using var responses = await gateway.Client.SendAsync(Post("/v1/responses", """{"model":"gpt-4o-mini","input":"hi"}"""));
        Assert.Equal("/openai/v1/responses", upstream.LastRequest.PathAndQuery);
    }
}
