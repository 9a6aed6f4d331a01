using Sluice.LoadTools.Processes;

namespace Sluice.LoadTools.Load;

/// <summary>
/// Memory of one watched process tree: per phase the highest RSS and RssAnon sample, plus the last sample and VmHWM.
/// RssAnon leaves out mapped files (the runtime's and framework's DLLs, shared with every .NET process) and shared
/// memory (the JIT's double-mapped code), so it is the part that grows with load.
/// </summary>
internal sealed record MemoryFigures(
    string Process,
    IReadOnlyDictionary<string, long> PeakRssByPhase,
    IReadOnlyDictionary<string, long> PeakAnonByPhase,
    long LastRss,
    long HighWaterMark);

/// <summary>
/// Samples the RSS of the proxies every 250 ms in the background, tagging each sample with the harness's current
/// phase (idle, a load scenario, after). Bounded: it stops when disposed.
/// </summary>
internal sealed class MemoryMonitor : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<int>> _watched;
    private readonly Dictionary<string, Dictionary<string, long>> _rssPeaks = [];
    private readonly Dictionary<string, Dictionary<string, long>> _anonPeaks = [];
    private readonly Dictionary<string, MemorySample> _last = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string _phase = "start";

    public MemoryMonitor(IReadOnlyDictionary<string, IReadOnlyList<int>> watched)
    {
        _watched = watched;
        _loop = Task.Run(LoopAsync);
    }

    public string Phase
    {
        get
        {
            lock (_lock)
            {
                return _phase;
            }
        }

        set
        {
            Sample(); // close the previous phase with a fresh sample
            lock (_lock)
            {
                _phase = value;
            }

            Sample();
        }
    }

    public IReadOnlyList<MemoryFigures> Figures()
    {
        Sample();
        lock (_lock)
        {
            return [.. _watched.Keys.Select(name => new MemoryFigures(
                name,
                Copy(_rssPeaks, name),
                Copy(_anonPeaks, name),
                _last.TryGetValue(name, out var last) ? last.Rss : 0,
                _last.TryGetValue(name, out var hwm) ? hwm.HighWaterMark : 0))];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static Dictionary<string, long> Copy(Dictionary<string, Dictionary<string, long>> peaks, string name) =>
        peaks.TryGetValue(name, out var byPhase) ? new Dictionary<string, long>(byPhase) : [];

    private static void Raise(Dictionary<string, Dictionary<string, long>> peaks, string name, string phase, long value)
    {
        if (!peaks.TryGetValue(name, out var byPhase))
        {
            peaks[name] = byPhase = [];
        }

        byPhase[phase] = Math.Max(byPhase.GetValueOrDefault(phase), value);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    private void Sample()
    {
        foreach (var (name, pids) in _watched)
        {
            if (ProcFs.Memory(pids) is not { } memory)
            {
                continue;
            }

            lock (_lock)
            {
                Raise(_rssPeaks, name, _phase, memory.Rss);
                Raise(_anonPeaks, name, _phase, memory.Anon);
                _last[name] = memory;
            }
        }
    }
}
