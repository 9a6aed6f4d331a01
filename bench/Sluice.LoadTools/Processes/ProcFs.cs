using System.Globalization;

namespace Sluice.LoadTools.Processes;

/// <summary>Memory and CPU figures read from Linux <c>/proc</c>.</summary>
internal static class ProcFs
{
    /// <summary>Clock ticks per second of <c>/proc/*/stat</c> times (USER_HZ, 100 on Linux).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>The process and all its descendants (nginx: master and worker).</summary>
    public static IReadOnlyList<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadStatFields(pid) is { } fields)
            {
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(static p => p.Key));
        }

        return tree;
    }

    /// <summary>
    /// VmRSS, RssAnon (the process's own heap and stacks, without mapped files and shared memory) and VmHWM (peak RSS)
    /// in bytes, summed over <paramref name="pids"/>; null when a process is gone.
    /// </summary>
    public static MemorySample? Memory(IReadOnlyList<int> pids)
    {
        long rss = 0, anon = 0, hwm = 0;
        foreach (var pid in pids)
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines($"/proc/{pid}/status");
            }
            catch (IOException)
            {
                return null;
            }

            rss += StatusKb(lines, "VmRSS:") * 1024;
            anon += StatusKb(lines, "RssAnon:") * 1024;
            hwm += StatusKb(lines, "VmHWM:") * 1024;
        }

        return new MemorySample(rss, anon, hwm);
    }

    /// <summary>User plus system CPU time of <paramref name="pids"/>, in clock ticks.</summary>
    public static long CpuTicks(IReadOnlyList<int> pids)
    {
        long ticks = 0;
        foreach (var pid in pids)
        {
            if (ReadStatFields(pid) is { } fields)
            {
                // Fields after "(comm)": [0] state, [1] ppid, ... [11] utime, [12] stime.
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        return ticks;
    }

    /// <summary>CPU time of the children a process has waited for (cutime + cstime): wrk's, once it has exited.</summary>
    public static long WaitedChildrenTicks(int pid) =>
        ReadStatFields(pid) is { } fields
            ? long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)
            : 0;

    /// <summary>
    /// Jiffies per CPU from <c>/proc/stat</c>, indexed by CPU number: busy (everything but idle and iowait), total,
    /// and process time (user, nice, system: what processes are charged, without interrupts).
    /// </summary>
    public static IReadOnlyList<CoreTimes> CpuTimes()
    {
        var result = new List<CoreTimes>();
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3]))
            {
                continue;
            }

            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(static v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var total = values.Take(8).Sum(); // user nice system idle iowait irq softirq steal
            var idle = values[3] + values[4];
            result.Add(new CoreTimes(total - idle, total, values[0] + values[1] + values[2]));
        }

        return result;
    }

    /// <summary>Busy share of each CPU between two <see cref="CpuTimes"/> readings, in percent.</summary>
    public static double[] BusyPercent(IReadOnlyList<CoreTimes> before, IReadOnlyList<CoreTimes> after) =>
        [.. before.Zip(after, static (b, a) => a.Total == b.Total ? 0 : 100.0 * (a.Busy - b.Busy) / (a.Total - b.Total))];

    /// <summary>Process time (user + nice + system) summed over all CPUs between two readings, in clock ticks.</summary>
    public static long ProcessTicks(IReadOnlyList<CoreTimes> before, IReadOnlyList<CoreTimes> after) =>
        before.Zip(after, static (b, a) => a.Process - b.Process).Sum();

    private static string[]? ReadStatFields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        return close < 0 ? null : text[(close + 2)..].Split(' ');
    }

    private static long StatusKb(string[] lines, string key)
    {
        foreach (var line in lines)
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

/// <summary>One reading of a process tree's memory, in bytes.</summary>
internal readonly record struct MemorySample(long Rss, long Anon, long HighWaterMark);

/// <summary>Jiffies of one CPU: busy, total, and the part charged to processes.</summary>
internal readonly record struct CoreTimes(long Busy, long Total, long Process);
