using System.Net;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

public sealed class AdminTests
{
    [Fact]
    public async Task HealthReadyAndMetrics_AreServedOnTheAdminPort()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));
        using (await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}""")))
        {
        }

        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.GetAsync("/ready")).StatusCode);
        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("gen_ai_server_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_request_model=\"gpt-4o-mini\"", metrics, StringComparison.Ordinal);
        Assert.Contains("gen_ai_provider_name=\"openai\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminEndpoints_AreNotOnTheDataPort()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync("/metrics")).StatusCode);
    }
}
