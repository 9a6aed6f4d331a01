using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Hosting;

public class SimulatorServerTests
{
    [Fact]
    public async Task StartAsync_PortZero_BindsAnEphemeralPort()
    {
        await using SimulatorServer server = await SimulatorServer.StartAsync(new SimulatorOptions());

        Assert.InRange(server.Port, 1, 65535);
        Assert.Equal(new Uri($"http://127.0.0.1:{server.Port}/"), server.BaseAddress);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task StartAsync_Localhost_Works()
    {
        await using SimulatorServer server = await SimulatorServer.StartAsync(new SimulatorOptions { Host = "localhost" });
        Assert.Equal("localhost", server.BaseAddress.Host);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health")).StatusCode);
    }

    [Theory]
    [InlineData("example.com", 0)]
    [InlineData("", 0)]
    [InlineData("127.0.0.1", -1)]
    [InlineData("127.0.0.1", 70000)]
    public async Task StartAsync_InvalidOptions_Throws(string host, int port)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => SimulatorServer.StartAsync(new SimulatorOptions { Host = host, Port = port }));
    }

    [Fact]
    public async Task WaitForShutdownAsync_Cancelled_StopsTheServerWithoutThrowing()
    {
        SimulatorServer server = await SimulatorServer.StartAsync(new SimulatorOptions());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await server.WaitForShutdownAsync(cancel.Token);

        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("health"));
        await server.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task WaitForShutdownAsync_CompletesWhenDisposed()
    {
        SimulatorServer server = await SimulatorServer.StartAsync(new SimulatorOptions());
        Task waiting = server.WaitForShutdownAsync();
        Assert.False(waiting.IsCompleted);
        await server.DisposeAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DisposeAsync_WithAStalledStream_IsPrompt()
    {
        SimulatorServer server = await SimulatorServer.StartAsync(new SimulatorOptions());
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using HttpResponseMessage response = await client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x", "\"stream\":true"), ("x-sim-stall-after", "1")),
            HttpCompletionOption.ResponseHeadersRead);

        var stopwatch = Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"dispose took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task ClientCancellation_StopsGenerationPromptly()
    {
        await using SimulatorServer server = await SimulatorServer.StartAsync(new SimulatorOptions { TokensPerSecond = 50 });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using var cancel = new CancellationTokenSource();
        using HttpResponseMessage response = await client.SendAsync(
            SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x", "\"stream\":true"), ("x-sim-completion-tokens", "1000")),
            HttpCompletionOption.ResponseHeadersRead,
            cancel.Token);

        // A 20 s stream: read a few chunks, then walk away.
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            await foreach (SseItem<string> item in SseParser.Create(stream).EnumerateAsync(cancel.Token))
            {
                if (++seen == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        response.Dispose();

        var stopwatch = Stopwatch.StartNew();
        while (server.ActiveRequests > 0 && stopwatch.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, server.ActiveRequests);
    }

    [Fact]
    public async Task Options_TokensPerSecond_PacesNonStreamingToo()
    {
        await using SimulatorServer server = await SimulatorServer.StartAsync(
            new SimulatorOptions { TokensPerSecond = 100, DefaultMaxTokens = 20 });
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await client.SendAsync(SimulatorHttp.Post("v1/chat/completions", SimulatorHttp.Chat("x")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 180, 5000); // 20 tokens at 100/s = 200 ms
    }
}
