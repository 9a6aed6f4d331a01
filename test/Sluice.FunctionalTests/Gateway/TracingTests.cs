using System.Collections.Concurrent;
using System.Diagnostics;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>One GenAI span per request, continuing the client's W3C trace context and passing it upstream.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task Request_ContinuesTheClientsTrace_AndPassesSluicesSpanUpstream()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is "Sluice" or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var upstream = await TestUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, """{"model":"gpt-4o-mini-2024","usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""");
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port));
        var traceId = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();

        using var request = Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}""");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{clientSpan}-01");
        using var response = await gateway.Client.SendAsync(request);

        var sent = upstream.LastRequest.Header("traceparent")!.Split('-');
        Assert.Equal(traceId.ToString(), sent[1]);
        Assert.NotEqual(clientSpan.ToString(), sent[2]);
        var span = await WaitForSpanAsync(spans, "chat gpt-4o-mini", traceId); // the listener also sees other tests' spans
        var server = spans.Single(s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == clientSpan); // the client's trace is continued ...
        Assert.Equal(server.SpanId, span.ParentSpanId);  // ... Sluice's GenAI span sits under the server span ...
        Assert.Equal(traceId, span.TraceId);             // ... and the upstream joined the same trace (its parent is
        Assert.NotEqual(server.SpanId.ToString(), sent[2]); // HttpClient's span under Sluice's, not the server's)
        Assert.Equal("gpt-4o-mini", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("gpt-4o-mini-2024", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal("openai", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(3L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(4L, span.GetTagItem("gen_ai.usage.output_tokens"));
    }

    private static async Task<Activity> WaitForSpanAsync(ConcurrentQueue<Activity> spans, string name, ActivityTraceId traceId)
    {
        for (var i = 0; i < 100; i++)
        {
            if (spans.FirstOrDefault(s => s.DisplayName == name && s.TraceId == traceId) is { } span)
            {
                return span;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"no span '{name}'; saw: {string.Join(", ", spans.Select(static s => s.DisplayName))}");
    }
}
