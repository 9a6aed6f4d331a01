using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using Sluice.TestSupport;

namespace Sluice.Cassettes;

/// <summary>
/// Replays real OpenAI exchanges through Sluice: the recorded request must reach the upstream byte for byte, and
/// the recorded response must reach the client unchanged; streams must arrive event by event, not buffered.
/// </summary>
public sealed class CassetteReplayTests
{
    private static readonly string CassetteDirectory = Path.Combine(TestPaths.SharedReference, "cassettes");

    public static TheoryData<string> Cassettes()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(CassetteDirectory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith("chat-", StringComparison.Ordinal) || name.StartsWith("completion-", StringComparison.Ordinal) || name.StartsWith("embeddings-", StringComparison.Ordinal))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Fact]
    public void Cassettes_AreFound()
    {
        Assert.True(Cassettes().Count >= 30, $"expected the recorded exchanges in {CassetteDirectory}");
    }

    [Theory]
    [MemberData(nameof(Cassettes))]
    public async Task Replay_RequestAndResponsePassUnchanged(string name)
    {
        var cassette = Cassette.Load(Path.Combine(CassetteDirectory, name + ".yaml"));
        var firstEventSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync(context => ReplayAsync(context, cassette, firstEventSeen.Task));
        await using var gateway = await GatewayUnderTest.StartAsync(CatchAll(upstream.Port));

        using var request = new HttpRequestMessage(HttpMethod.Post, cassette.Path) { Content = new StringContent(cassette.RequestBody, Encoding.UTF8, "application/json") };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await ReadBodyAsync(response, cassette.IsEventStream, firstEventSeen);

        var expected = ExpectedUpstreamBody(cassette);
        if (expected == cassette.RequestBody)
        {
            Assert.Equal(cassette.RequestBody, upstream.LastRequest.BodyText); // byte for byte
        }
        else
        {
            Assert.True(
                System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(upstream.LastRequest.BodyText)),
                $"upstream body differs beyond stream_options.include_usage:\n{upstream.LastRequest.BodyText}");
        }
        Assert.Equal(cassette.Path, upstream.LastRequest.PathAndQuery);
        Assert.Equal(cassette.Status, (int)response.StatusCode);
        Assert.Equal(cassette.ResponseHeaders["Content-Type"], response.Content.Headers.ContentType!.ToString());
        Assert.Equal(cassette.ResponseBody, body);
    }

    /// <summary>
    /// The recorded body, byte for byte; except that a streamed chat or completion without
    /// <c>stream_options.include_usage</c> gets it added (Sluice counts the tokens of every stream, and holds the
    /// usage chunk back from a client that did not ask for it).
    /// </summary>
    private static string ExpectedUpstreamBody(Cassette cassette)
    {
        var request = System.Text.Json.Nodes.JsonNode.Parse(cassette.RequestBody)!.AsObject();
        var streams = request["stream"]?.GetValue<bool>() == true;
        var asksUsage = request["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        if (!streams || asksUsage)
        {
            return cassette.RequestBody;
        }

        request["stream_options"] = new System.Text.Json.Nodes.JsonObject { ["include_usage"] = true };
        return request.ToJsonString();
    }

    private static async Task ReplayAsync(HttpContext context, Cassette cassette, Task firstEventSeen)
    {
        context.Response.StatusCode = cassette.Status;
        context.Response.ContentType = cassette.ResponseHeaders["Content-Type"];
        foreach (var name in new[] { "X-Request-Id", "Openai-Processing-Ms" })
        {
            if (cassette.ResponseHeaders.TryGetValue(name, out var value))
            {
                context.Response.Headers[name] = value;
            }
        }

        if (!cassette.IsEventStream)
        {
            await context.Response.WriteAsync(cassette.ResponseBody);
            return;
        }

        var events = cassette.ResponseBody.Split("\n\n");
        for (var i = 0; i < events.Length; i++)
        {
            var chunk = i < events.Length - 1 ? events[i] + "\n\n" : events[i];
            await context.Response.WriteAsync(chunk);
            await context.Response.Body.FlushAsync();
            if (i == 0)
            {
                // Hold the rest until the client has the first event: proves nothing is buffered on the way.
                await firstEventSeen.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, bool eventStream, TaskCompletionSource firstEventSeen)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
        {
            received.Write(buffer, 0, read);
            if (eventStream && !firstEventSeen.Task.IsCompleted && Encoding.UTF8.GetString(received.ToArray()).Contains("\n\n", StringComparison.Ordinal))
            {
                firstEventSeen.SetResult();
            }
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static string CatchAll(int port) => """
        apiVersion: aigateway.envoyproxy.io/v1beta1
        kind: AIGatewayRoute
        metadata: {name: replay, namespace: default}
        spec:
          rules:
            - matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: ".*"}]}]
              backendRefs: [{name: openai}]
        """ + "\n" + Configs.OpenAIBackend(port);
}
