using System.Globalization;
using System.Runtime.InteropServices;

namespace Sluice.LoadTools.Processes;

/// <summary>What the numbers were measured on.</summary>
internal sealed record MachineInfo(
    int LogicalCpus,
    string CpuModel,
    double MemoryGiB,
    string Os,
    string Kernel,
    string DotnetRuntime,
    string? Nginx,
    string? Wrk,
    string? SluiceCommit)
{
    /// <summary>
    /// Reads the machine. What Sluice was built from comes from the BUILD-INFO file bench/run.sh writes next to the
    /// published executable, else from git.
    /// </summary>
    public static async Task<MachineInfo> ReadAsync(string repository, string sluiceExecutable)
    {
        var cpuinfo = File.ReadAllLines("/proc/cpuinfo");
        var cpus = cpuinfo.Count(static l => l.StartsWith("processor", StringComparison.Ordinal));
        var model = cpuinfo.FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memTotal = File.ReadLines("/proc/meminfo").First(static l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var memKb = long.Parse(memTotal["MemTotal:".Length..].Trim().TrimEnd('B', 'k').Trim(), CultureInfo.InvariantCulture);
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(static l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux"
            : "Linux";
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var nginx = await Command.FirstLineAsync("nginx", "-v");
        var wrk = await Command.FirstLineAsync("wrk", "-v");
        var buildInfo = Path.Combine(Path.GetDirectoryName(sluiceExecutable) ?? ".", "BUILD-INFO");
        var commit = File.Exists(buildInfo) ? (await File.ReadAllTextAsync(buildInfo)).Trim() : await GitDescriptionAsync(repository);

        return new MachineInfo(cpus, model, Math.Round(memKb / 1024.0 / 1024.0, 1), os, kernel, RuntimeInformation.FrameworkDescription,
            nginx?.Replace("nginx version: ", string.Empty, StringComparison.Ordinal), wrk?.Split(" Copyright", 2)[0], commit);
    }

    private static async Task<string?> GitDescriptionAsync(string repository)
    {
        var commit = await Command.FirstLineAsync("git", "-C", repository, "rev-parse", "--short", "HEAD");
        var dirty = await Command.RunAsync("git", ["-C", repository, "status", "--porcelain", "--", "src"], TimeSpan.FromSeconds(10));
        return commit is not null && dirty.ExitCode == 0 && dirty.Output.Trim().Length > 0 ? commit + " + uncommitted changes in src/" : commit;
    }
}
