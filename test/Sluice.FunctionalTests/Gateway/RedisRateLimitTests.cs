using System.Net;
using Sluice.Infrastructure;
using Sluice.RateLimiting;
using Sluice.Simulator;
using static Sluice.Gateway.RateLimitTests;

namespace Sluice.Gateway;

/// <summary>Token rate limits shared through a real redis-server: several instances, one limit; outages and recovery.</summary>
public sealed class RedisRateLimitTests : IAsyncLifetime
{
    private SimulatorServer _simulator = null!;
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        _redis = await RedisServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private async Task<GatewayUnderTest[]> StartGatewaysAsync(int count, string yaml, RateLimitOptions options)
    {
        var gateways = new GatewayUnderTest[count];
        for (var i = 0; i < count; i++)
        {
            gateways[i] = await GatewayUnderTest.StartAsync(yaml, rateLimit: options);
        }

        return gateways;
    }

    private static async Task DisposeAllAsync(GatewayUnderTest[] gateways)
    {
        foreach (var gateway in gateways)
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task ThreeInstances_EnforceOneLimit_UnderAConcurrentBurst()
    {
        var gateways = await StartGatewaysAsync(3, Yaml(_simulator.Port, "- limit: {requests: 10, unit: Day}", policy: "burst"), new RateLimitOptions { Redis = _redis.Configuration });
        try
        {
            var (admitted, _, limited) = await BurstAsync(gateways, requests: 30);

            Assert.Equal(10, admitted);
            Assert.Equal(20, limited);
        }
        finally
        {
            await DisposeAllAsync(gateways);
        }
    }

    [Fact]
    public async Task ThreeInstances_WithReservation_OvershootByAtMostOneReservation()
    {
        var gateways = await StartGatewaysAsync(3, Yaml(_simulator.Port, OutputTokenRule(35), policy: "reserved"), new RateLimitOptions { Redis = _redis.Configuration, Reservation = true });
        try
        {
            var (admitted, outputTokens, limited) = await BurstAsync(gateways, requests: 15);

            Assert.Equal(4, admitted);
            Assert.Equal(11, limited);
            Assert.InRange(outputTokens, 1, 35 - 1 + 10);
        }
        finally
        {
            await DisposeAllAsync(gateways);
        }
    }

    [Fact]
    public async Task RedisDown_FailsOpen_ThenCountsAgainWhenItReturns()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, "- limit: {requests: 1, unit: Day}", policy: "open"), rateLimit: new RateLimitOptions { Redis = _redis.Configuration });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(gateway, Chat()));

        await _redis.StopAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat())); // admitted uncounted
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat()));

        await _redis.StartAgainAsync(); // empty: the outage lost the counters
        Assert.True(await EventuallyAsync(gateway, HttpStatusCode.TooManyRequests), "the limit was not enforced again after Redis returned");
    }

    [Fact]
    public async Task RedisDown_FailsClosed_With503_ThenRecovers()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Yaml(_simulator.Port, "- limit: {requests: 100, unit: Day}", policy: "closed"), rateLimit: new RateLimitOptions { Redis = _redis.Configuration, FailureMode = RateLimitFailureMode.Closed });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, Chat()));

        await _redis.StopAsync();
        using (var refused = await gateway.Client.SendAsync(Chat()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("rate_limiter_unavailable", (await ForwardingTests.ReadError(refused)).GetProperty("code").GetString());
        }

        await _redis.StartAgainAsync();
        Assert.True(await EventuallyAsync(gateway, HttpStatusCode.OK), "requests were still refused after Redis returned");
    }

    /// <summary>Sends requests until one gets <paramref name="status"/> (the client reconnects in the background), for up to 60 s.</summary>
    private static async Task<bool> EventuallyAsync(GatewayUnderTest gateway, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await StatusAsync(gateway, Chat()) == status)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
