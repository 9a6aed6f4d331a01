using System.Text;
using System.Text.Json;
using Sluice.Simulator.Generation;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints;

public class ChatCompletionsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task NonStreaming_ReturnsChatCompletionWithRealUsage()
    {
        JsonElement body = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("Hello!")));

        Assert.StartsWith("chatcmpl-sim-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("gpt-test", body.GetProperty("model").GetString());
        long created = body.GetProperty("created").GetInt64();
        Assert.InRange(created, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);

        JsonElement choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        string content = choice.GetProperty("message").GetProperty("content").GetString()!;

        JsonElement usage = body.GetProperty("usage");
        Assert.Equal(8, usage.GetProperty("prompt_tokens").GetInt32()); // api.openai.com answers 8 for "Hello!" too
        Assert.Equal(24, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(32, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(TokenCounter.Count(content), usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Theory]
    [InlineData("\"max_tokens\":5", 5)]
    [InlineData("\"max_completion_tokens\":3", 3)]
    [InlineData("\"max_tokens\":9,\"max_completion_tokens\":4", 4)]
    public async Task MaxTokens_CutsTheAnswer_WithFinishReasonLength(string extra, int expected)
    {
        JsonElement body = await SimulatorHttp.SendJsonAsync(
            Client, SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("Cut me short", extra)));

        JsonElement choice = body.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(expected, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expected, TokenCounter.Count(choice.GetProperty("message").GetProperty("content").GetString()));
    }

    [Fact]
    public async Task SameBody_SameAnswer_DifferentPrompt_DifferentAnswer()
    {
        string first = await ContentAsync(Client, SimulatorHttp.Chat("Tell me about rivers"));
        string again = await ContentAsync(Client, SimulatorHttp.Chat("Tell me about rivers"));
        string other = await ContentAsync(Client, SimulatorHttp.Chat("Tell me about mountains"));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);

        // Another server (and the hash is not randomized per process) gives the same answer.
        await using SimulatorServer second = await SimulatorServer.StartAsync(new SimulatorOptions());
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        Assert.Equal(first, await ContentAsync(client, SimulatorHttp.Chat("Tell me about rivers")));
    }

    [Fact]
    public async Task Streaming_ChunkCountEqualsUsage_AndTextMatchesNonStreaming()
    {
        using var request = SimulatorHttp.Post(
            "v1/chat/completions",
            SimulatorHttp.Chat("Stream please", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        using HttpResponseMessage response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        List<string> events = await SimulatorHttp.ReadEventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        JsonElement first = SimulatorHttp.Parse(events[0]);
        Assert.Equal("chat.completion.chunk", first.GetProperty("object").GetString());
        JsonElement firstDelta = first.GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", firstDelta.GetProperty("role").GetString());
        Assert.Equal(string.Empty, firstDelta.GetProperty("content").GetString());

        var text = new StringBuilder();
        int contentChunks = 0;
        string? finishReason = null;
        JsonElement? usage = null;
        string id = first.GetProperty("id").GetString()!;
        for (int i = 1; i < events.Count - 1; i++)
        {
            JsonElement chunk = SimulatorHttp.Parse(events[i]);
            Assert.Equal(id, chunk.GetProperty("id").GetString());
            Assert.Equal("gpt-test", chunk.GetProperty("model").GetString());
            JsonElement choices = chunk.GetProperty("choices");
            if (choices.GetArrayLength() == 0)
            {
                usage = chunk.GetProperty("usage");
                continue;
            }

            Assert.Equal(JsonValueKind.Null, chunk.GetProperty("usage").ValueKind);
            JsonElement choice = choices[0];
            if (choice.GetProperty("delta").TryGetProperty("content", out JsonElement piece))
            {
                text.Append(piece.GetString());
                contentChunks++;
            }

            if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            {
                finishReason = choice.GetProperty("finish_reason").GetString();
            }
        }

        Assert.Equal("stop", finishReason);
        Assert.NotNull(usage);
        Assert.Equal(contentChunks, usage.Value.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(contentChunks, TokenCounter.Count(text.ToString()));
        Assert.Equal(await ContentAsync(Client, SimulatorHttp.Chat("Stream please")), text.ToString());
    }

    [Fact]
    public async Task Streaming_WithoutIncludeUsage_HasNoUsageAnywhere()
    {
        using var request = SimulatorHttp.Post(
            "v1/chat/completions", SimulatorHttp.Chat("No usage", "\"stream\":true,\"max_tokens\":4"));
        using HttpResponseMessage response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        List<string> events = await SimulatorHttp.ReadEventsAsync(response);

        // role chunk, 4 content chunks, finish chunk, [DONE]
        Assert.Equal(7, events.Count);
        Assert.Equal("[DONE]", events[^1]);
        for (int i = 0; i < events.Count - 1; i++)
        {
            JsonElement chunk = SimulatorHttp.Parse(events[i]);
            Assert.False(chunk.TryGetProperty("usage", out _));
            Assert.Equal(1, chunk.GetProperty("choices").GetArrayLength());
        }

        Assert.Equal("length", SimulatorHttp.Parse(events[^2]).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Streaming_WireFormat_IsDataLinesEndedByBlankLines()
    {
        using var request = SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("raw", "\"stream\":true,\"max_tokens\":2"));
        using HttpResponseMessage response = await Client.SendAsync(request);
        string raw = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("data: {\"id\":\"chatcmpl-sim-", raw, StringComparison.Ordinal);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", raw, StringComparison.Ordinal);
        string[] events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, events.Length);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ContentParts_AndMultipleMessages_AreCounted()
    {
        const string body = """
            {"model":"m","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":[{"type":"text","text":"Hello!"},{"type":"image_url","image_url":{"url":"data:,"}}]}
            ]}
            """;
        JsonElement response = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/chat/completions", body));

        int expected = TokenCounter.Count("You are terse.") + TokenCounter.Count("Hello!") + (2 * 4) + 2;
        Assert.Equal(expected, response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    private static async Task<string> ContentAsync(HttpClient client, string body)
    {
        JsonElement response = await SimulatorHttp.SendJsonAsync(client, SimulatorHttp.Post("v1/chat/completions", body));
        return response.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
