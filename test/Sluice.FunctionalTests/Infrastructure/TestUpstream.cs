using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Infrastructure;

/// <summary>A request as the upstream received it.</summary>
internal sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, string Protocol = "HTTP/1.1")
{
    /// <summary>The request target exactly as sent (still percent-encoded).</summary>
    public string RawTarget { get; init; } = PathAndQuery;

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A real Kestrel server on 127.0.0.1 playing a provider: records every request and answers with a handler.</summary>
internal sealed class TestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public ReceivedRequest LastRequest => Requests.Last();

    public static Task<TestUpstream> StartAsync(Func<HttpContext, Task> handler, X509Certificate2? certificate = null) =>
        StartAsync((context, _) => handler(context), certificate);

    /// <summary>As above; the handler also gets the request as recorded (body included).</summary>
    public static async Task<TestUpstream> StartAsync(Func<HttpContext, ReceivedRequest, Task> handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate });
            }
        }));
        var app = builder.Build();
        TestUpstream? self = null;
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(static h => h.Key, static h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var rawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
            var received = new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, buffer.ToArray(), context.Request.Protocol) { RawTarget = rawTarget };
            self!.Requests.Enqueue(received);
            await handler(context, received);
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        self = new TestUpstream(app, port);
        return self;
    }

    /// <summary>Answers every request with a fixed JSON body.</summary>
    public static Task<TestUpstream> JsonAsync(string json = """{"id":"chatcmpl-1","object":"chat.completion","choices":[]}""", int status = 200) =>
        StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json);
        });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
