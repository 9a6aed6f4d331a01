using Microsoft.Extensions.Logging;
using Sluice.Auth;
using Sluice.Configuration.Loading;
using Sluice.Configuration.Validation;
using Sluice.Forwarding;
using Sluice.Model;

namespace Sluice.Management;

/// <summary>
/// Load → validate → compile → swap. Holds the current <see cref="GatewaySnapshot"/>; a reload that fails keeps the
/// last good one and logs every error. Requests read <see cref="Current"/> once and keep that snapshot to the end.
/// </summary>
internal sealed partial class ConfigManager : IDisposable
{
    private readonly IReadOnlyList<ConfigSource> _sources;
    private readonly Func<string, string?> _getEnvironment;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private GatewaySnapshot? _current;
    private int _generation;

    private readonly bool _ownsAuth;

    public ConfigManager(IReadOnlyList<ConfigSource> sources, UpstreamClientPool clients, ILogger logger, TimeProvider? time = null, Func<string, string?>? getEnvironment = null, AuthServices? auth = null)
    {
        _sources = sources;
        Clients = clients;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _getEnvironment = getEnvironment ?? Environment.GetEnvironmentVariable;
        _ownsAuth = auth is null;
        Auth = auth ?? new AuthServices(logger, _time, _getEnvironment);
    }

    /// <summary>Credential state that outlives one snapshot (Entra ID tokens).</summary>
    public AuthServices Auth { get; }

    public UpstreamClientPool Clients { get; }

    public IReadOnlyList<ConfigSource> Sources => _sources;

    /// <summary>The snapshot requests use. Null only before the first successful load.</summary>
    public GatewaySnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Loads and compiles the sources without swapping anything in.</summary>
    public (GatewaySnapshot? Snapshot, IReadOnlyList<ConfigDiagnostic> Diagnostics) Build()
    {
        var diagnostics = new DiagnosticBag();
        var set = ConfigLoader.Load(_sources, _getEnvironment, diagnostics);
        // Compile even after parse errors, so cross-reference errors are reported in the same run.
        var snapshot = SnapshotCompiler.Compile(set, _generation + 1, Clients, Auth, diagnostics, _time);
        return (snapshot, diagnostics.Items);
    }

    /// <summary>The first load. Returns false (after logging every error) when the config is invalid.</summary>
    public bool LoadInitial()
    {
        var (snapshot, diagnostics) = Build();
        LogDiagnostics(diagnostics, isReload: false);
        if (snapshot is null)
        {
            Auth.Tokens.Retain([]);
            return false;
        }

        Swap(snapshot);
        LogLoaded(snapshot.Generation, snapshot.Description);
        return true;
    }

    /// <summary>Re-reads the sources; swaps only if the whole config is valid.</summary>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Building a large config is a few hundred milliseconds of CPU. On a thread-pool thread it would hold a
            // worker that requests need (a pod limited to one CPU has one), stalling them until the pool grows; on a
            // thread of its own the OS shares the CPU between it and the requests.
            var (snapshot, diagnostics) = await Task.Factory.StartNew(Build, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            LogDiagnostics(diagnostics, isReload: true);
            if (snapshot is null)
            {
                LogReloadRejected(diagnostics.Count(static d => d.Severity == DiagnosticSeverity.Error));
                Auth.Tokens.Retain(Current?.TokenSources.Keys.ToList() ?? []); // drop what the rejected config created
                return false;
            }

            var previousPort = Current?.ListenerPort;
            Swap(snapshot);
            if (previousPort != snapshot.ListenerPort)
            {
                LogPortChangeIgnored(snapshot.ListenerPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
            }

            LogReloaded(snapshot.Generation, snapshot.Description);
            return true;
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    public void Dispose()
    {
        _reloadLock.Dispose();
        if (_ownsAuth)
        {
            Auth.Dispose();
        }
    }

    private void Swap(GatewaySnapshot snapshot)
    {
        _generation = snapshot.Generation;
        Interlocked.Exchange(ref _current, snapshot);
        Auth.Tokens.Retain(snapshot.TokenSources.Keys.ToList());
        foreach (var source in snapshot.TokenSources.Values)
        {
            source.WarmUp(); // a wrong secret shows in the log now, not at the first request
        }

    }

    private void LogDiagnostics(IReadOnlyList<ConfigDiagnostic> diagnostics, bool isReload)
    {
        foreach (var diagnostic in diagnostics)
        {
            switch (diagnostic.Severity)
            {
                case DiagnosticSeverity.Error:
                    LogConfigError(diagnostic.ToString());
                    break;
                case DiagnosticSeverity.Warning:
                    LogConfigWarning(diagnostic.ToString());
                    break;
                default:
                    if (!isReload)
                    {
                        LogConfigInfo(diagnostic.ToString());
                    }

                    break;
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "config loaded (generation {Generation}): {Description}")]
    private partial void LogLoaded(int generation, string description);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "config reloaded (generation {Generation}): {Description}")]
    private partial void LogReloaded(int generation, string description);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "config reload rejected with {ErrorCount} error(s); still serving the last good config")]
    private partial void LogReloadRejected(int errorCount);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "{Diagnostic}")]
    private partial void LogConfigError(string diagnostic);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "{Diagnostic}")]
    private partial void LogConfigWarning(string diagnostic);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "{Diagnostic}")]
    private partial void LogConfigInfo(string diagnostic);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "the Gateway listener port is now {Port}; a port change takes effect at the next restart")]
    private partial void LogPortChangeIgnored(string port);
}
