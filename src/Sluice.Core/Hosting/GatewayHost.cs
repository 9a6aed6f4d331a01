using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sluice.Forwarding;
using Sluice.Management;
using Sluice.RateLimiting;
using Sluice.Routing;
using Sluice.Telemetry;
using Sluice.Usage;

namespace Sluice.Hosting;

/// <summary>
/// Runs the data plane (OpenAI-compatible API) and the admin listener (/health, /ready, /metrics) on Kestrel,
/// around a <see cref="ConfigManager"/> that already holds a valid snapshot.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _data;
    private readonly WebApplication _admin;
    private readonly ConfigWatcher? _watcher;

    private GatewayHost(WebApplication data, WebApplication admin, ConfigWatcher? watcher, int port, int adminPort, string address)
    {
        _data = data;
        _admin = admin;
        _watcher = watcher;
        Port = port;
        AdminPort = adminPort;
        var host = address is "0.0.0.0" or "::" ? "127.0.0.1" : address;
        BaseAddress = new Uri($"http://{host}:{port}/");
        AdminAddress = new Uri($"http://{host}:{adminPort}/");
    }

    public int Port { get; }

    public int AdminPort { get; }

    public Uri BaseAddress { get; }

    public Uri AdminAddress { get; }

    public static async Task<GatewayHost> StartAsync(ConfigManager configs, GatewayHostOptions options, Action<ILoggingBuilder> configureLogging, CancellationToken cancellationToken = default)
    {
        var snapshot = configs.Current ?? throw new InvalidOperationException("load the config before starting the host");
        var address = IPAddress.Parse(options.Address);
        var port = options.Port ?? snapshot.ListenerPort ?? GatewayHostOptions.DefaultPort;
        var ready = new ReadinessState();
        // The token counter for usage estimates loads in the background from now on (25 ms, 4.5 MB kept), so that
        // neither start-up nor, later, a request under load waits for it (see UsageEstimator.Load). A request that
        // needs it sooner waits for this load; a failure to load surfaces there too (the Lazy keeps the exception).
        _ = Task.Run(UsageEstimator.Load, CancellationToken.None);

        var data = BuildDataPlane(configs, address, port, options, configureLogging);
        var admin = BuildAdmin(address, options.AdminPort, ready, configureLogging);
        await data.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await admin.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await data.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await data.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var watcher = options.WatchConfig && configs.Sources.Any(static s => s.Path is not null)
            ? new ConfigWatcher(configs, data.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Config"), options.WatchInterval)
            : null;
        // Start-up parsed the config and built the host: garbage that, with a large config, is tens of MB (a
        // 10,000-route config leaves about 100 MB). Nothing is served yet, so collect it now and give the memory
        // back to the OS, instead of carrying it in RSS until the GC gets round to it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ready.IsReady = true;
        return new GatewayHost(data, admin, watcher, BoundPort(data), BoundPort(admin), options.Address);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _data.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync().ConfigureAwait(false);
        }

        await _admin.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _data.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _admin.DisposeAsync().ConfigureAwait(false);
        await _data.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplication BuildDataPlane(ConfigManager configs, IPAddress address, int port, GatewayHostOptions options, Action<ILoggingBuilder> configureLogging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        configureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // enforced per request from the config (413 in the OpenAI envelope)
            kestrel.Listen(address, port);
        });
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.AddSingleton(configs);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton(options.HeaderAttributes);
        builder.Services.AddSingleton(services => new AccessLog(options.AccessLog, services.GetRequiredService<TimeProvider>(), options.HeaderAttributes));
        builder.Services.AddSingleton<BackendHealthRegistry>();
        builder.Services.AddSingleton<UpstreamForwarder>();
        builder.Services.AddSingleton(services => RateLimiter.Create(options.RateLimit, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.RateLimit")));
        builder.Services.AddSingleton<GatewayRequestHandler>();
        var app = builder.Build();
        var handler = app.Services.GetRequiredService<GatewayRequestHandler>();
        app.Run(handler.HandleAsync);
        return app;
    }

    private static WebApplication BuildAdmin(IPAddress address, int port, ReadinessState ready, Action<ILoggingBuilder> configureLogging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        configureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port);
        });
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddService("sluice"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName).AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            // Spans only when they go somewhere: ASP.NET Core's server span (continuing the client's traceparent)
            // and Sluice's GenAI span under it; HttpClient passes the context upstream.
            telemetry.WithTracing(static tracing => tracing.AddSource("Microsoft.AspNetCore", GatewayTracing.SourceName).AddOtlpExporter());
        }
        var app = builder.Build();
        app.MapGet("/health", static () => Results.Text("ok\n"));
        app.MapGet("/ready", () => ready.IsReady ? Results.Text("ready\n") : Results.Text("not ready\n", statusCode: 503));
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
    }

    private sealed class ReadinessState
    {
        public volatile bool IsReady;
    }
}
