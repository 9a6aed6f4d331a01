using System.Text.Json;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints;

public class ChatStreamChunkTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Streaming_UsageChunk_RepeatsTheChunkHeaderInTheSameOrder()
    {
        using var request = SimulatorHttp.Post(
            "v1/chat/completions",
            SimulatorHttp.Chat("header", "\"stream\":true,\"max_tokens\":1,\"stream_options\":{\"include_usage\":true}"));
        using HttpResponseMessage response = await fixture.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        List<string> events = await SimulatorHttp.ReadEventsAsync(response);

        // role chunk, 1 content chunk, finish chunk, usage chunk, [DONE]
        Assert.Equal(5, events.Count);
        string[] expected = ["id", "object", "created", "model", "service_tier", "system_fingerprint", "choices"];
        string[] content = PropertyNames(events[1]);
        string[] usage = PropertyNames(events[3]);
        Assert.Equal([.. expected, "usage"], content);
        Assert.Equal([.. expected, "usage"], usage);
        Assert.Equal(events[1][..events[1].IndexOf("\"choices\"", StringComparison.Ordinal)], events[3][..events[3].IndexOf("\"choices\"", StringComparison.Ordinal)]);
        Assert.Equal(JsonValueKind.Null, SimulatorHttp.Parse(events[1]).GetProperty("system_fingerprint").ValueKind);
        Assert.Equal(0, SimulatorHttp.Parse(events[3]).GetProperty("choices").GetArrayLength());
    }

    private static string[] PropertyNames(string json)
    {
        var names = new List<string>();
        foreach (JsonProperty property in SimulatorHttp.Parse(json).EnumerateObject())
        {
            names.Add(property.Name);
        }

        return [.. names];
    }
}
