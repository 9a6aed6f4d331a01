using System.Diagnostics;
using System.Text.Json;
using Sluice.LoadTools;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;
using Sluice.LoadTools.Report;

// Sluice.LoadTools: the load harness behind bench/run.sh (see docs/benchmarks.md). `--render FILE.json` re-evaluates
// the targets of a stored run and rewrites its .json and .md. Otherwise:
//   --quick | --full          the plan (default --full)
//   --bench-dir DIR           bench/ (the wrk script and nginx template live there); default ./bench
//   --sluice FILE             the published sluice executable; default <bench-dir>/.out/sluice/sluice
//   --results DIR             where <timestamp>.json and .md go; default <bench-dir>/results
//   --micro DIR               BenchmarkDotNet results to merge into the report (optional)
//   --load-cpus L --proxy-cpus L   taskset CPU lists; default 0 and 1 on a machine with 2 or more CPUs
//   --sluice-access-log T     Sluice's --access-log (stdout, off or a file); default off, as nginx's access_log
//   --sluice-env NAME=VALUE   an environment variable for the Sluice process (repeatable), for what-if runs
//                             such as DOTNET_TieredPGO=0; the report lists them
//   --soak-segments N         soak segments (a minute each in the full plan); 0 skips the soak
//   --portkey DIR | --no-portkey   the npm prefix Portkey's gateway is installed in (default
//                             <bench-dir>/.out/portkey; measured as a fourth path when there), or none
//   --bare-forwarder DLL      bench/Sluice.BareForwarder's assembly: a reference path at passthrough and
//                             concurrency 1 (what the .NET stack costs without Sluice's code); optional
if (args is ["--render", var reportPath])
{
    // Re-evaluates the targets of a stored run and renders it again (after a fix to the report code).
    var stored = JsonSerializer.Deserialize(await File.ReadAllTextAsync(reportPath), ReportJsonContext.Default.BenchReport)
        ?? throw new InvalidDataException($"{reportPath} holds no report");
    var rendered = stored with { Targets = TargetEvaluator.Evaluate(stored) };
    await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(rendered, ReportJsonContext.Default.BenchReport));
    await File.WriteAllTextAsync(Path.ChangeExtension(reportPath, ".md"), MarkdownReport.Render(rendered));
    Console.WriteLine(MarkdownReport.Render(rendered));
    return 0;
}

var arguments = Arguments.Parse(args);
if (arguments is null)
{
    return 2;
}

var started = DateTimeOffset.UtcNow;
var stamp = started.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
var workDirectory = Path.Combine(arguments.BenchDirectory, ".out", "runs", stamp);
Directory.CreateDirectory(workDirectory);
Directory.CreateDirectory(arguments.ResultsDirectory);

var machine = await MachineInfo.ReadAsync(Path.GetFullPath(Path.Combine(arguments.BenchDirectory, "..")), arguments.SluiceExecutable);
var loadCpus = arguments.LoadCpus ?? (machine.LogicalCpus >= 2 ? "0" : null);
var proxyCpus = arguments.ProxyCpus ?? (machine.LogicalCpus >= 2 ? "1" : null);
var loadAverageBefore = LoadAverage();
// What other users of the machine are doing before we start: each core's busy share, and the process time that
// is not ours, in percent of one core.
var coresBefore = ProcFs.CpuTimes();
var selfBefore = ProcFs.CpuTicks([Environment.ProcessId]);
await Task.Delay(TimeSpan.FromSeconds(2));
var coresAfter = ProcFs.CpuTimes();
var background = ProcFs.BusyPercent(coresBefore, coresAfter).Select(static p => Math.Round(p, 1)).ToArray();
var backgroundOther = Math.Max(0, Math.Round(
    (ProcFs.ProcessTicks(coresBefore, coresAfter) - (ProcFs.CpuTicks([Environment.ProcessId]) - selfBefore)) / ProcFs.TicksPerSecond / 2 * 100));

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// nginx runs without an access log; Sluice too, unless asked (builds without --access-log have none).
var runHelp = await Command.RunAsync(arguments.SluiceExecutable, ["run", "--help"], TimeSpan.FromSeconds(30));
string[] sluiceArguments = runHelp.Output.Contains("--access-log", StringComparison.Ordinal) ? ["--access-log", arguments.SluiceAccessLog] : [];

// Portkey's gateway, the optional fourth path: installed by bench/run.sh, skipped with --no-portkey.
var portkeyLookup = arguments.PortkeyDirectory is null
    ? new PortkeyLookup(null, "skipped (--no-portkey)")
    : await PortkeyGateway.LocateAsync(arguments.BenchDirectory, arguments.PortkeyDirectory);

var clock = Stopwatch.StartNew();
var lab = await Lab.StartAsync(new LabOptions(arguments.SluiceExecutable, arguments.BenchDirectory, workDirectory, loadCpus, proxyCpus, sluiceArguments, arguments.SluiceEnvironment) { Portkey = portkeyLookup.Install, SluiceAotExecutable = arguments.SluiceAotExecutable, BareForwarderAssembly = arguments.BareForwarderAssembly });
AppDomain.CurrentDomain.ProcessExit += (_, _) => lab.DisposeAsync().AsTask().GetAwaiter().GetResult();
Harness harness;
IReadOnlyList<MemoryFigures> memory;
string? failure = null;
await using (lab)
{
    var watched = new Dictionary<string, IReadOnlyList<int>> { ["sluice"] = lab.Sluice.ProxyPids, ["nginx"] = lab.Nginx.ProxyPids };
    if (lab.Portkey is not null)
    {
        watched["portkey"] = lab.Portkey.ProxyPids;
    }

    await using var monitor = new MemoryMonitor(watched);
    harness = new Harness(arguments.Plan, lab, new Wrk(Path.Combine(arguments.BenchDirectory, "wrk", "chat.lua"), loadCpus, lab.LogDirectory), monitor);
    try
    {
        await harness.RunAsync(cancel.Token);
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
    {
        failure = ex is OperationCanceledException ? "interrupted" : ex.Message;
        Console.Error.WriteLine($"benchmark stopped early: {failure}; reporting what was measured");
    }

    memory = monitor.Figures();
}

var micro = MicroBenchmarks.Read(arguments.MicroDirectory);
var portkey = PortkeyGateway.Describe(portkeyLookup, lab);
var notes = new List<string>();
if (failure is not null)
{
    notes.Add($"The run stopped early ({failure}); rows without numbers were not measured.");
}

var allWrkRuns = harness.WrkRuns.Concat(harness.Variants.SelectMany(static v => v.Runs))
    .Concat(new[] { harness.ControlPlane?.Baseline, harness.ControlPlane?.DuringReloads }.OfType<WrkRun>()).ToList();
var measured = allWrkRuns.Select(static r => r.Cpu).Concat(harness.StreamLatency.Select(static r => r.Cpu)).ToList();
if (measured.Count > 0 && measured.All(static c => !c.Noisy))
{
    notes.Add($"No measurement was disturbed: other processes used at most {measured.Max(static c => c.OtherPercent):0} % of a core during any of them{(backgroundOther > 20 ? $" (though {backgroundOther:0} % just before the run)" : string.Empty)}.");
}
else if (backgroundOther > 20)
{
    notes.Add($"Other processes were using {backgroundOther:0} % of a core just before the run: the machine is shared, so numbers are noisy.");
}

if (arguments.Plan.Mode == "quick")
{
    notes.Add("Quick mode: runs of a few seconds and few stream samples (p99 of 30 streams is their maximum) and Sluice warmed up for at most 30 s, often before its JIT reaches full speed; use the full mode for numbers to keep.");
}

if (arguments.SluiceEnvironment.Count > 0)
{
    notes.Add($"What-if run: Sluice ran with {string.Join(", ", arguments.SluiceEnvironment.Select(static e => $"{e.Key}={e.Value}"))}; not a measurement of Sluice as shipped.");
}

var noisy = allWrkRuns.Where(static r => r.Cpu.Noisy).Select(static r => $"{r.Scenario}/{r.Path}").ToList();
if (noisy.Count > 0)
{
    notes.Add($"† marks runs during which processes outside the harness used more than 20 % of a core ({string.Join(", ", noisy)}).");
}

if (harness.Warmup.FirstOrDefault(static w => w.Path == "sluice") is { Steady: false })
{
    notes.Add("Sluice's throughput was still changing when its warm-up ended, so later scenarios may see it get faster.");
}

if (portkey.NotMeasuredReason is not null)
{
    notes.Add($"Portkey: not measured ({portkey.NotMeasuredReason}).");
}
else if (harness.Warmup.FirstOrDefault(static w => w.Path == "portkey") is { Steady: false })
{
    notes.Add("Portkey's throughput was still changing when its warm-up ended.");
}

if (loadCpus is null)
{
    notes.Add("Fewer than 2 CPUs: nothing was pinned, so load generator, upstream and proxy share the CPU.");
}

notes.Add($"Raw wrk output and process logs: {Path.GetRelativePath(Path.Combine(arguments.BenchDirectory, ".."), lab.LogDirectory)}/.");

var unjudged = new BenchReport(
    Schema: 1,
    new RunInfo(arguments.Plan.Mode, started, Math.Round(clock.Elapsed.TotalSeconds), loadCpus, proxyCpus, background, backgroundOther, loadAverageBefore, LoadAverage(), lab.SluiceStartupMs, sluiceArguments, arguments.SluiceEnvironment),
    machine,
    arguments.Plan,
    harness.Warmup,
    harness.WrkRuns,
    harness.StreamLatency,
    harness.StreamConcurrency,
    memory,
    [],
    micro,
    notes)
{
    Variants = harness.Variants,
    ControlPlane = harness.ControlPlane,
    Soak = harness.Soak,
    Portkey = portkey,
};
var report = unjudged with { Targets = TargetEvaluator.Evaluate(unjudged) };

var markdown = MarkdownReport.Render(report);
var jsonPath = Path.Combine(arguments.ResultsDirectory, stamp + ".json");
await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport));
await File.WriteAllTextAsync(Path.Combine(arguments.ResultsDirectory, stamp + ".md"), markdown);
Console.WriteLine(markdown);
Console.Error.WriteLine($"wrote {jsonPath} and {Path.ChangeExtension(jsonPath, ".md")}");
return failure is null ? 0 : 1;

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
