using Microsoft.Extensions.Logging;
using Sluice.Auth;
using Sluice.Configuration.Loading;
using Sluice.Forwarding;
using Sluice.Hosting;
using Sluice.Management;
using Sluice.RateLimiting;
using Sluice.Telemetry;

namespace Sluice.Infrastructure;

/// <summary>The real gateway (config manager, Kestrel data plane and admin listener) on 127.0.0.1 with free ports.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly UpstreamClientPool _clients;
    private readonly ConfigManager _configs;
    private readonly GatewayHost _host;

    private GatewayUnderTest(string directory, string configPath, UpstreamClientPool clients, ConfigManager configs, GatewayHost host)
    {
        Directory = directory;
        ConfigPath = configPath;
        _clients = clients;
        _configs = configs;
        _host = host;
        Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = host.AdminAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    private AuthServices? _auth;
    private StringWriter? _accessLog;

    /// <summary>What the gateway writes to: <see cref="_accessLog"/> behind <see cref="TextWriter.Synchronized"/>, which locks itself.</summary>
    private TextWriter? _accessLogWriter;

    /// <summary>
    /// The JSON access log lines written so far: whole lines only. The access log writes a batch of lines at once,
    /// and a read in the middle of that write would otherwise count the part of a line already appended as a line.
    /// </summary>
    public IReadOnlyList<string> AccessLogLines
    {
        get
        {
            string text;
            lock (_accessLogWriter!)
            {
                text = _accessLog!.ToString();
            }

            return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>Waits for the access log to hold <paramref name="count"/> lines (it is written off the request path).</summary>
    public async Task<IReadOnlyList<string>> WaitForAccessLogAsync(int count)
    {
        for (var i = 0; i < 200 && AccessLogLines.Count < count; i++)
        {
            await Task.Delay(10);
        }

        return AccessLogLines;
    }

    public string Directory { get; }

    public string ConfigPath { get; }

    public Uri BaseAddress => _host.BaseAddress;

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    public int Generation => _configs.Current!.Generation;

    public static async Task<GatewayUnderTest> StartAsync(string yaml, Func<string, string?>? environment = null, HttpMessageHandler? identityHandler = null, HeaderAttributeMapping? headerAttributes = null, RateLimitOptions? rateLimit = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-functional", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, yaml);
        var clients = new UpstreamClientPool();
        var logging = LoggerFactory.Create(Logging);
        var auth = new AuthServices(logging.CreateLogger("Sluice.Auth"), getEnvironment: environment, identityHandler: identityHandler);
        var configs = new ConfigManager([ConfigSource.FromPath(configPath)], clients, logging.CreateLogger("test"), getEnvironment: environment, auth: auth);
        if (!configs.LoadInitial())
        {
            var (_, diagnostics) = configs.Build();
            throw new InvalidOperationException("invalid test config:\n" + string.Join("\n", diagnostics));
        }

        var accessLog = new StringWriter();
        var accessLogWriter = TextWriter.Synchronized(accessLog);
        var host = await GatewayHost.StartAsync(configs, new GatewayHostOptions { Port = 0, AdminPort = 0, Address = "127.0.0.1", WatchInterval = TimeSpan.FromMilliseconds(200), AccessLog = accessLogWriter, HeaderAttributes = headerAttributes ?? HeaderAttributeMapping.None, RateLimit = rateLimit ?? new RateLimitOptions() }, Logging);
        return new GatewayUnderTest(directory, configPath, clients, configs, host) { _auth = auth, _accessLog = accessLog, _accessLogWriter = accessLogWriter };
    }

    /// <summary>Rewrites the config file and waits until the gateway has swapped in a new snapshot (or gives up).</summary>
    public async Task<bool> RewriteAndWaitForReloadAsync(string yaml, TimeSpan? within = null)
    {
        var generation = Generation;
        await File.WriteAllTextAsync(ConfigPath, yaml);
        return await WaitForGenerationAboveAsync(generation, within ?? TimeSpan.FromSeconds(2));
    }

    public async Task<bool> WaitForGenerationAboveAsync(int generation, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (Generation > generation)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _host.DisposeAsync();
        _configs.Dispose();
        _auth?.Dispose();
        _clients.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static void Logging(ILoggingBuilder builder)
    {
        builder.ClearProviders();
        builder.SetMinimumLevel(LogLevel.Warning);
    }
}
