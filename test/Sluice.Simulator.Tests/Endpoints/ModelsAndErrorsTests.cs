using System.Net;
using System.Text.Json;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints;

public class ModelsAndErrorsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Models_ListsSimulatedModels()
    {
        using HttpResponseMessage response = await Client.GetAsync("v1/models");
        JsonElement body = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = new List<string>();
        foreach (JsonElement model in body.GetProperty("data").EnumerateArray())
        {
            Assert.Equal("model", model.GetProperty("object").GetString());
            ids.Add(model.GetProperty("id").GetString()!);
        }

        Assert.Contains("sluice-sim", ids);
        Assert.Contains("sluice-sim-large", ids);
    }

    [Fact]
    public async Task Model_ById_FoundAndNotFound()
    {
        using HttpResponseMessage found = await Client.GetAsync("v1/models/sluice-sim");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("sluice-sim", SimulatorHttp.Parse(await found.Content.ReadAsStringAsync()).GetProperty("id").GetString());

        using HttpResponseMessage missing = await Client.GetAsync("v1/models/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        JsonElement error = SimulatorHttp.Parse(await missing.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Health_Is200()
    {
        using HttpResponseMessage response = await Client.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "v1/nope")]
    [InlineData("GET", "v1/chat/completions")]
    [InlineData("GET", "")]
    public async Task UnknownRoutes_Are404WithTheOpenAIEnvelope(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using HttpResponseMessage response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        AssertEnvelope(SimulatorHttp.Parse(await response.Content.ReadAsStringAsync()), "invalid_request_error");
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("", null)]
    [InlineData("[]", null)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}]} trailing""", null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", null)]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}""", "max_tokens")]
    public async Task BadChatRequests_Are400WithTheOpenAIEnvelope(string json, string? param)
    {
        using HttpResponseMessage response = await Client.SendAsync(SimulatorHttp.Post("v1/chat/completions", json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement body = SimulatorHttp.Parse(await response.Content.ReadAsStringAsync());
        AssertEnvelope(body, "invalid_request_error");
        JsonElement actualParam = body.GetProperty("error").GetProperty("param");
        Assert.Equal(param, actualParam.ValueKind == JsonValueKind.Null ? null : actualParam.GetString());
    }

    private static void AssertEnvelope(JsonElement body, string type)
    {
        JsonElement error = body.GetProperty("error");
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
    }
}
