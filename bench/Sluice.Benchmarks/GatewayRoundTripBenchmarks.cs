using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Configuration.Loading;
using Sluice.Forwarding;
using Sluice.Hosting;
using Sluice.Management;
using Sluice.Telemetry;

namespace Sluice.Benchmarks;

/// <summary>
/// One whole request through the real gateway (Kestrel data plane, routing, usage accounting, HttpClient upstream)
/// on 127.0.0.1, against the same request sent straight to the canned upstream. Everything in this process is
/// counted (client, gateway and upstream), so the gateway's own allocation per request is
/// <c>Gateway − Direct</c> for the same <see cref="Stream"/>. Timings include three loopback hops and say little;
/// the allocation column is the point.
/// </summary>
[MemoryDiagnoser]
public class GatewayRoundTripBenchmarks
{
    private static readonly byte[] JsonAnswer = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1795516045,\"model\":\"model-0\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"" + string.Join(' ', Enumerable.Repeat("lorem ipsum", 40))
        + "\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":80,"
        + "\"total_tokens\":92,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");

    private static readonly byte[][] StreamAnswer =
    [
        .. Enumerable.Range(0, 20).Select(static i => Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1795516045,\"model\":\"model-0\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word" + i + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n")),
        Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1795516045,\"model\":\"model-0\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20,\"total_tokens\":32}}\n\n"),
        "data: [DONE]\n\n"u8.ToArray(),
    ];

    private readonly byte[] _sink = new byte[64 * 1024];
    private WebApplication? _upstream;
    private UpstreamClientPool? _clients;
    private ConfigManager? _configs;
    private GatewayHost? _gateway;
    private HttpClient? _client;
    private Uri? _target;
    private byte[] _body = [];

    [Params(false, true)]
    public bool Stream { get; set; }

    [Params("Direct", "Gateway")]
    public string Path { get; set; } = "Direct";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long> Request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _client!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{Path}: HTTP {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(_sink)) > 0)
        {
            total += read;
        }

        return total;
    }

    private async Task SetupAsync()
    {
        _body = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in twenty words.\"}],"
            + (Stream ? "\"stream\":true," : string.Empty) + "\"model\":\"model-0\"}");
        _upstream = StartUpstream();
        await _upstream.StartAsync();
        var upstreamPort = new Uri(_upstream.Urls.First()).Port;
        _clients = new UpstreamClientPool();
        _configs = new ConfigManager([ConfigSource.FromText("bench.yaml", GeneratedConfig.Yaml(1, catchAll: false, upstreamPort))], _clients, NullLogger.Instance, getEnvironment: static _ => null);
        if (!_configs.LoadInitial())
        {
            throw new InvalidOperationException("the generated benchmark config is invalid");
        }

        _gateway = await GatewayHost.StartAsync(_configs, new GatewayHostOptions { Port = 0, AdminPort = 0, Address = "127.0.0.1", WatchConfig = false, HeaderAttributes = HeaderAttributeMapping.None }, static logging => logging.ClearProviders());
        var root = Path == "Gateway" ? _gateway.BaseAddress : new Uri($"http://127.0.0.1:{upstreamPort}/");
        _target = new Uri(root, "v1/chat/completions");
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false });
    }

    private async Task CleanupAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _configs?.Dispose();
        _clients?.Dispose();
        if (_upstream is not null)
        {
            await _upstream.StopAsync();
            await _upstream.DisposeAsync();
        }
    }

    /// <summary>A canned OpenAI-compatible upstream: the JSON answer, or 20 content events, a usage chunk and [DONE].</summary>
    private WebApplication StartUpstream()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stream = Stream;
        var drain = new byte[4096]; // one request at a time, so one buffer; allocating it per request would be counted
        app.Run(async context =>
        {
            while (await context.Request.Body.ReadAsync(drain) > 0)
            {
            }

            if (!stream)
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = JsonAnswer.Length;
                await context.Response.Body.WriteAsync(JsonAnswer);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            foreach (var sseEvent in StreamAnswer)
            {
                await context.Response.Body.WriteAsync(sseEvent);
                await context.Response.Body.FlushAsync();
            }
        });
        return app;
    }
}
