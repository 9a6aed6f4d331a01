using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace Sluice.Simulator.TestSupport;

/// <summary>Small HTTP helpers for talking to the simulator.</summary>
internal static class SimulatorHttp
{
    public static HttpRequestMessage Post(string path, string json, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    public static string Chat(string content, string extra = "") =>
        "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":" + JsonSerializer.Serialize(content) + "}]"
        + (extra.Length > 0 ? "," + extra : string.Empty) + "}";

    public static async Task<JsonElement> SendJsonAsync(HttpClient client, HttpRequestMessage request, int expectedStatus = 200)
    {
        using HttpResponseMessage response = await client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Reads every SSE data payload until the stream ends, parsed by the framework's SSE parser.</summary>
    public static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        var events = new List<string>();
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (SseItem<string> item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            events.Add(item.Data);
        }

        return events;
    }

    public static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
