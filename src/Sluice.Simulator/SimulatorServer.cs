using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Simulator.Generation;
using Sluice.Simulator.Hosting;

namespace Sluice.Simulator;

/// <summary>
/// A deterministic, offline, OpenAI-compatible LLM server on Kestrel: /v1/chat/completions, /v1/completions,
/// /v1/embeddings, /v1/models and /health; the same answers on Azure OpenAI's deployment paths and as AWS Bedrock's
/// Converse and ConverseStream; an Azure managed-identity token endpoint (/msi/token); fault injection through
/// x-sim-* request headers. It never makes network calls. See docs/simulator.md.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatorRuntime _runtime;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lazy<Task> _shutdown;

    private SimulatorServer(WebApplication app, SimulatorRuntime runtime, ILogger logger, Uri baseAddress, int port)
    {
        _app = app;
        _runtime = runtime;
        _logger = logger;
        BaseAddress = baseAddress;
        Port = port;
        _shutdown = new Lazy<Task>(ShutdownCoreAsync, LazyThreadSafetyMode.ExecutionAndPublication);
        app.Lifetime.ApplicationStopped.Register(() => _stopped.TrySetResult());
    }

    /// <summary>The root URL clients should use, e.g. <c>http://127.0.0.1:54321/</c> (append <c>v1/...</c>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bound TCP port (the ephemeral one when <see cref="SimulatorOptions.Port"/> is 0).</summary>
    public int Port { get; }

    /// <summary>Requests in flight, streams included.</summary>
    internal int ActiveRequests => _runtime.ActiveRequests;

    /// <summary>Starts a server and returns once it is listening.</summary>
    /// <exception cref="ArgumentException">The options are invalid (host not an IP literal, localhost or *).</exception>
    public static Task<SimulatorServer> StartAsync(SimulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, TimeProvider.System, cancellationToken);

    internal static async Task<SimulatorServer> StartAsync(
        SimulatorOptions options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ListenAddress listen = Validate(options);

        // Load the tokenizer (~200 ms) while Kestrel starts; the first request waits for it if it must.
        _ = Task.Run(TokenCounter.Warm, CancellationToken.None);

        WebApplication app = SimulatorApplication.Build(options, listen, timeProvider);
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Simulator");
        var runtime = new SimulatorRuntime(options, timeProvider, logger, app.Lifetime.ApplicationStopping);
        var dispatcher = new RequestDispatcher(runtime);
        app.Run(dispatcher.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        int port = ReadBoundPort(app);
        var baseAddress = new Uri("http://" + listen.ClientHost + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/");
        SimulatorLog.Listening(logger, baseAddress);
        return new SimulatorServer(app, runtime, logger, baseAddress, port);
    }

    /// <summary>
    /// Completes when the server has stopped: after <see cref="DisposeAsync"/>, or when
    /// <paramref name="cancellationToken"/> fires, which stops the server first. Never throws on cancellation,
    /// so <c>sluice simulate</c> can pass its Ctrl+C token straight in.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!_stopped.Task.IsCompleted)
        {
            await _shutdown.Value;
        }
    }

    /// <summary>Stops listening, ends in-flight streams (stalls included) and releases the port.</summary>
    public ValueTask DisposeAsync() => new(_shutdown.Value);

    private static ListenAddress Validate(SimulatorOptions options)
    {
        if (!ListenAddress.TryParse(options.Host, out ListenAddress? listen))
        {
            throw new ArgumentException(
                $"Host '{options.Host}' must be an IP address, 'localhost' or '*' (host names are not resolved).",
                nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.DefaultMaxTokens, nameof(options));
        if (!double.IsFinite(options.TokensPerSecond) || options.TokensPerSecond < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.TokensPerSecond, "TokensPerSecond must be a finite number >= 0.");
        }

        return listen;
    }

    private static int ReadBoundPort(WebApplication app)
    {
        IServerAddressesFeature? addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        if (addresses is not null)
        {
            foreach (string address in addresses.Addresses)
            {
                return new Uri(address).Port;
            }
        }

        throw new InvalidOperationException("Kestrel started without reporting a bound address.");
    }

    private async Task ShutdownCoreAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(SimulatorApplication.ShutdownTimeout, _runtime.TimeProvider);
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or IOException)
        {
            SimulatorLog.StopFailed(_logger, exception);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}
