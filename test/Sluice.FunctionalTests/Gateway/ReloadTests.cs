using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

public sealed class ReloadTests
{
    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[]}""";

    [Fact]
    public async Task EditedConfig_IsServedWithinTwoSeconds()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));
        using (var before = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-5","messages":[]}""")))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        Assert.True(await gateway.RewriteAndWaitForReloadAsync(Configs.OpenAI(upstream.Port, model: "gpt-5")), "not reloaded within 2 s");

        using var after = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-5","messages":[]}"""));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task InvalidEdit_KeepsServingTheLastGoodConfig()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));

        var reloaded = await gateway.RewriteAndWaitForReloadAsync(Configs.OpenAI(upstream.Port).Replace("name: openai\n", "name: missing\n", StringComparison.Ordinal), TimeSpan.FromSeconds(1.5));

        Assert.False(reloaded);
        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequestInFlight_FinishesOnTheConfigItStartedWith()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await TestUpstream.StartAsync(async context =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await context.Response.WriteAsync("from-old");
        });
        await using var fresh = await TestUpstream.StartAsync(context => context.Response.WriteAsync("from-new"));
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(slow.Port));

        var inFlight = gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody));
        while (slow.Requests.IsEmpty)
        {
            await Task.Delay(20);
        }

        Assert.True(await gateway.RewriteAndWaitForReloadAsync(Configs.OpenAI(fresh.Port)));
        using (var next = await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody)))
        {
            Assert.Equal("from-new", await next.Content.ReadAsStringAsync());
        }

        release.SetResult();
        using var old = await inFlight;
        Assert.Equal("from-old", await old.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RotatedSecretFile_IsUsedWithinTwoSeconds()
    {
        await using var upstream = await TestUpstream.JsonAsync();
        var secretByFile = """

            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: BackendSecurityPolicy
            metadata: {name: openai-key, namespace: default}
            spec:
              targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: openai}]
              type: APIKey
              apiKey: {secretRef: {name: openai-key} }
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: openai-key
              namespace: default
              annotations:
                substitution.aigw.run/file/apiKey: openai.key
            """;
        var (gateway, keyPath) = await CreateWithKeyFileAsync(Configs.OpenAI(upstream.Port) + secretByFile, "sk-first");
        await using var _ = gateway;
        using (await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody)))
        {
            Assert.Equal("Bearer sk-first", upstream.LastRequest.Header("Authorization"));
        }

        var generation = gateway.Generation;
        await File.WriteAllTextAsync(keyPath, "sk-rotated\n");
        Assert.True(await gateway.WaitForGenerationAboveAsync(generation, TimeSpan.FromSeconds(2)), "rotation not picked up within 2 s");

        using (await gateway.Client.SendAsync(Post("/v1/chat/completions", ChatBody)))
        {
            Assert.Equal("Bearer sk-rotated", upstream.LastRequest.Header("Authorization"));
        }
    }

    private static async Task<(GatewayUnderTest Gateway, string KeyPath)> CreateWithKeyFileAsync(string yaml, string key)
    {
        var keyPath = Path.Combine(Path.GetTempPath(), "sluice-functional-keys", Guid.NewGuid().ToString("N"), "openai.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyPath)!);
        await File.WriteAllTextAsync(keyPath, key);
        var gateway = await GatewayUnderTest.StartAsync(yaml.Replace("file/apiKey: openai.key", $"file/apiKey: {keyPath}", StringComparison.Ordinal));
        return (gateway, keyPath);
    }
}
