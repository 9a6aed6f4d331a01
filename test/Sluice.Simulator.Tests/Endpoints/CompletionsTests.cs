using System.Text;
using System.Text.Json;
using Sluice.Simulator.Generation;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints;

public class CompletionsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private const string Prompt = "def fib(n):\n    if n <= 1:\n        return n";

    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task StringPrompt_ReturnsTextCompletion()
    {
        string json = "{\"model\":\"babbage-002\",\"prompt\":" + JsonSerializer.Serialize(Prompt) + ",\"max_tokens\":7}";
        JsonElement body = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/completions", json));

        Assert.StartsWith("cmpl-sim-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("babbage-002", body.GetProperty("model").GetString());
        JsonElement choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(7, TokenCounter.Count(choice.GetProperty("text").GetString()));
        JsonElement usage = body.GetProperty("usage");
        Assert.Equal(TokenCounter.Count(Prompt), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(TokenCounter.Count(Prompt) + 7, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task ArrayPrompts_OneChoicePerPrompt_TokenPromptsCountIds()
    {
        const string json = """{"model":"m","prompt":["first prompt",[1,2,3]],"max_tokens":30}""";
        JsonElement body = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/completions", json));

        JsonElement choices = body.GetProperty("choices");
        Assert.Equal(2, choices.GetArrayLength());
        Assert.Equal(1, choices[1].GetProperty("index").GetInt32());
        Assert.Equal("stop", choices[0].GetProperty("finish_reason").GetString());
        Assert.NotEqual(choices[0].GetProperty("text").GetString(), choices[1].GetProperty("text").GetString());
        JsonElement usage = body.GetProperty("usage");
        Assert.Equal(TokenCounter.Count("first prompt") + 3, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(48, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Streaming_FinishReasonRidesOnLastChunk_UsageChunkAtTheEnd()
    {
        const string json = """{"model":"m","prompt":"go","max_tokens":5,"stream":true,"stream_options":{"include_usage":true}}""";
        using HttpResponseMessage response = await Client.SendAsync(
            SimulatorHttp.Post("v1/completions", json), HttpCompletionOption.ResponseHeadersRead);
        List<string> events = await SimulatorHttp.ReadEventsAsync(response);

        // 5 text chunks, the usage chunk, [DONE]
        Assert.Equal(7, events.Count);
        var text = new StringBuilder();
        for (int i = 0; i < 5; i++)
        {
            JsonElement chunk = SimulatorHttp.Parse(events[i]);
            Assert.Equal("text_completion", chunk.GetProperty("object").GetString());
            Assert.Equal(JsonValueKind.Null, chunk.GetProperty("usage").ValueKind);
            JsonElement choice = chunk.GetProperty("choices")[0];
            text.Append(choice.GetProperty("text").GetString());
            Assert.Equal(i == 4 ? JsonValueKind.String : JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
        }

        Assert.Equal(5, TokenCounter.Count(text.ToString()));
        JsonElement usageChunk = SimulatorHttp.Parse(events[5]);
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(5, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("[DONE]", events[6]);
    }

    [Fact]
    public async Task MissingPrompt_Is400()
    {
        JsonElement body = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post("v1/completions", """{"model":"m"}"""), 400);
        Assert.Equal("prompt", body.GetProperty("error").GetProperty("param").GetString());
    }
}
