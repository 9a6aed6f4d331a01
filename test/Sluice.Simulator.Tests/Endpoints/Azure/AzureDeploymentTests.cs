using System.Net;
using System.Text.Json;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints.Azure;

/// <summary>The Azure OpenAI data-plane paths answer exactly as the /v1 endpoints do.</summary>
public class AzureDeploymentTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string Deployment = "openai/deployments/my-gpt4o/";
    private const string ApiVersion = "?api-version=2025-01-01-preview";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Chat_AnswersAsTheV1Endpoint()
    {
        string body = SimulatorHttp.Chat("Hello from Azure");
        JsonElement azure = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post(Deployment + "chat/completions" + ApiVersion, body));
        JsonElement v1 = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/chat/completions", body));

        Assert.Equal("chat.completion", azure.GetProperty("object").GetString());
        Assert.Equal("gpt-test", azure.GetProperty("model").GetString());
        Assert.Equal(Content(v1), Content(azure));
        Assert.Equal(v1.GetProperty("usage").GetRawText(), azure.GetProperty("usage").GetRawText());
    }

    [Fact]
    public async Task Chat_WithoutModelInTheBody_AnswersWithTheDeploymentName()
    {
        JsonElement azure = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post(Deployment + "chat/completions?api-version=2024-10-21", """{"messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal("my-gpt4o", azure.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Chat_Streaming_IsTheSameSseStream()
    {
        string body = SimulatorHttp.Chat("Stream on Azure", "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post(Deployment + "chat/completions" + ApiVersion, body), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        List<string> events = await SimulatorHttp.ReadEventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        string text = string.Concat(events.Take(events.Count - 1)
            .Select(e => SimulatorHttp.Parse(e).GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        JsonElement v1 = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("Stream on Azure")));
        Assert.Equal(Content(v1), text);
        JsonElement usage = SimulatorHttp.Parse(events[^2]).GetProperty("usage");
        Assert.Equal(v1.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CompletionsAndEmbeddings_AnswerOnTheirDeploymentPaths()
    {
        JsonElement completion = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post(Deployment + "completions" + ApiVersion, """{"model":"m","prompt":"Once"}"""));
        JsonElement embedding = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post("openai/deployments/embed/embeddings" + ApiVersion, """{"input":"hi","dimensions":8}"""));

        Assert.Equal("text_completion", completion.GetProperty("object").GetString());
        Assert.Equal(8, embedding.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
        Assert.Equal("embed", embedding.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Faults_ApplyOnTheDeploymentPaths()
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post(
            Deployment + "chat/completions" + ApiVersion, SimulatorHttp.Chat("x"), ("x-sim-status", "429"), ("x-sim-retry-after", "3")));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_exceeded", SimulatorHttp.Parse(await response.Content.ReadAsStringAsync()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ApiKey_IsReportedAsTheCredentialSeen()
    {
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post(Deployment + "chat/completions" + ApiVersion, SimulatorHttp.Chat("x"), ("api-key", "k")));

        Assert.Equal("api-key", response.Headers.GetValues("x-sim-saw-credential").Single());
        Assert.Equal("true", response.Headers.GetValues("x-sim-saw-api-key").Single());
    }

    private static string Content(JsonElement completion) =>
        completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}
