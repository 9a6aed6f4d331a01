using System.Diagnostics;
using Sluice.LoadTools.Processes;
using Sluice.LoadTools.Report;

namespace Sluice.LoadTools.Load;

/// <summary>
/// CPU over one measurement: the proxy's and the upstream's time, each core's busy share, and the process time
/// nobody in the harness accounts for (other users of a shared machine). The harness's own share is its own
/// CPU time plus that of the children it waited for (wrk).
/// </summary>
internal sealed class CpuMeter
{
    private readonly IReadOnlyList<int> _proxy;
    private readonly int[] _upstream;
    private readonly IReadOnlyList<int> _ours;
    private readonly long _proxyTicks;
    private readonly long _upstreamTicks;
    private readonly long _ourTicks;
    private readonly IReadOnlyList<CoreTimes> _cores;
    private readonly long _started;

    private CpuMeter(IReadOnlyList<int> proxy, Lab lab)
    {
        _proxy = proxy;
        _upstream = [lab.UpstreamPid];
        _ours = [.. lab.AllPids, Environment.ProcessId];
        _proxyTicks = ProcFs.CpuTicks(proxy);
        _upstreamTicks = ProcFs.CpuTicks(_upstream);
        _ourTicks = OurTicks();
        _cores = ProcFs.CpuTimes();
        _started = Stopwatch.GetTimestamp();
    }

    public static CpuMeter Start(PathUnderTest path, Lab lab) => new(path.ProxyPids, lab);

    public CpuUse Stop()
    {
        var cores = ProcFs.CpuTimes();
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        double Percent(long ticks) => Math.Round(100 * ticks / ProcFs.TicksPerSecond / seconds, 1);
        var other = ProcFs.ProcessTicks(_cores, cores) - (OurTicks() - _ourTicks);
        return new CpuUse(
            _proxy.Count == 0 ? 0 : Percent(ProcFs.CpuTicks(_proxy) - _proxyTicks),
            Percent(ProcFs.CpuTicks(_upstream) - _upstreamTicks),
            [.. ProcFs.BusyPercent(_cores, cores).Select(static p => Math.Round(p, 1))],
            Math.Max(0, Percent(other)));
    }

    private long OurTicks() => ProcFs.CpuTicks(_ours) + ProcFs.WaitedChildrenTicks(Environment.ProcessId);
}
