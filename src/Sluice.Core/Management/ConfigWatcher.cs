using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Sluice.Configuration.Loading;

namespace Sluice.Management;

/// <summary>
/// Reloads the config when a watched file changes: the YAML files and directories given to <c>sluice run</c> and
/// every file a Secret annotation reads. It compares content fingerprints on a short poll, which also catches
/// Kubernetes' symlink swaps of mounted Secrets and editors that replace files, where file events are unreliable.
/// </summary>
internal sealed partial class ConfigWatcher : IAsyncDisposable
{
    private readonly ConfigManager _configs;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private byte[] _fingerprint;

    public ConfigWatcher(ConfigManager configs, ILogger logger, TimeSpan? interval = null, TimeProvider? time = null)
    {
        _configs = configs;
        _logger = logger;
        _interval = interval ?? TimeSpan.FromMilliseconds(500);
        _fingerprint = Fingerprint();
        _loop = RunAsync(time ?? TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _stop.Dispose();
    }

    private async Task RunAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(_interval, time);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            var current = Fingerprint();
            if (current.AsSpan().SequenceEqual(_fingerprint))
            {
                continue;
            }

            // Let a writer finish: reload once the files have stopped changing for one short interval.
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, _stop.Token).ConfigureAwait(false);
            var settled = Fingerprint();
            if (!settled.AsSpan().SequenceEqual(current))
            {
                continue;
            }

            _fingerprint = settled;
            LogChangeDetected();
            try
            {
                await _configs.ReloadAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReloadFailed(ex);
            }
        }
    }

    private byte[] Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in WatchedFiles())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
            try
            {
                hash.AppendData(File.ReadAllBytes(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash.AppendData([0xFF]); // missing or unreadable: a state of its own
            }
        }

        return hash.GetHashAndReset();
    }

    private IEnumerable<string> WatchedFiles()
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in ConfigFileReader.WatchRoots(_configs.Sources))
        {
            if (Directory.Exists(root))
            {
                foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories))
                {
                    if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    {
                        files.Add(file);
                    }
                }
            }
            else
            {
                files.Add(root);
            }
        }

        if (_configs.Current is { } snapshot)
        {
            files.UnionWith(snapshot.WatchedFiles);
        }

        return files;
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "config change detected; reloading")]
    private partial void LogChangeDetected();

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "config reload failed unexpectedly")]
    private partial void LogReloadFailed(Exception exception);
}
