using System.Diagnostics;
using System.Net;
using System.Text;
using Sluice.LoadTools.Configs;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;
using Sluice.LoadTools.Report;

namespace Sluice.LoadTools;

/// <summary>The control plane: loading a config of thousands of routes, and hot-reloading it under load.</summary>
internal sealed partial class Harness
{
    private const string ReloadProbeModel = "reload-probe";
    private const int ReloadConnections = 16;

    public ControlPlaneRun? ControlPlane { get; private set; }

    /// <summary>
    /// Starts a Sluice on a config of <see cref="BenchPlan.ControlPlaneRoutes"/> routes (the load time), measures a
    /// closed-loop baseline on one of its models, then the same load while the config file is replaced
    /// <see cref="BenchPlan.Reloads"/> times by another of as many routes. Each reload is timed from the file's
    /// replacement until a probe model that only one of the two configs serves flips between 404 and 200.
    /// </summary>
    private async Task RunControlPlaneAsync(CancellationToken cancellationToken)
    {
        var routes = plan.ControlPlaneRoutes;
        var withoutProbe = SluiceConfigs.ManyModels(lab.UpstreamPort, routes, "a", Bodies.DefaultModel);
        var withProbe = SluiceConfigs.ManyModels(lab.UpstreamPort, routes, "b", Bodies.DefaultModel, ReloadProbeModel);
        var bodies = _bodies!;
        var probeBody = (await Bodies.WriteAsync(lab.Options.WorkDirectory, ReloadProbeModel)).Chat;
        var reloads = new List<double>();
        WrkRun? baseline = null;
        WrkRun? during = null;
        double loadMs = 0;
        IReadOnlyDictionary<string, long> rss = new Dictionary<string, long>();
        string? failure = null;
        Progress($"control plane: loading {routes:N0} routes");
        SluiceProcess? process = null;
        try
        {
            process = await lab.StartSluiceAsync("sluice-routes", $"Sluice, {routes:N0} routes", withoutProbe);
            loadMs = process.StartupMs;
            var path = process.Path;
            await using var monitor = new MemoryMonitor(new Dictionary<string, IReadOnlyList<int>> { ["routes"] = path.ProxyPids });
            try
            {
                monitor.Phase = Phases.Idle;
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                monitor.Phase = "load";
                var duration = plan.VariantDuration + TimeSpan.FromSeconds(4 * plan.Reloads);
                var request = new WrkRequest(path.ChatUrl, bodies.Chat, ReloadConnections, duration);
                // Warmed up like the other Sluice processes: a baseline taken while the JIT is still at work would
                // make the reloads look cheaper than they are.
                await WarmUpAsync(path, bodies.Chat, cancellationToken, plan.VariantWarmupMinimum);
                baseline = await RunAsync("reload-baseline", path, request, null, null);

                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                var load = RunAsync("reload-under-load", path, request, null, null);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                for (var i = 0; i < plan.Reloads; i++)
                {
                    var serveProbe = i % 2 == 0;
                    var took = await ReloadAsync(http, process, serveProbe ? withProbe : withoutProbe, probeBody, serveProbe ? HttpStatusCode.OK : HttpStatusCode.NotFound, cancellationToken);
                    reloads.Add(Math.Round(took.TotalMilliseconds));
                    Progress($"control plane: reload {i + 1} to {(serveProbe ? "config b" : "config a")} served after {took.TotalMilliseconds:0} ms");
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }

                during = await load;
            }
            finally
            {
                rss = monitor.Figures().Single().PeakRssByPhase;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            failure = ex.Message;
            Progress($"control plane: stopped: {failure}");
        }
        finally
        {
            process?.Dispose();
        }

        ControlPlane = new ControlPlaneRun(routes, Encoding.UTF8.GetByteCount(withProbe), loadMs, rss.GetValueOrDefault(Phases.Idle), reloads, baseline, during,
            Phases.LoadPeak(rss), failure);
    }

    /// <summary>Replaces the config file (write aside, then rename over it) and polls until the probe model answers <paramref name="expected"/>.</summary>
    private static async Task<TimeSpan> ReloadAsync(HttpClient http, SluiceProcess process, string yaml, string probeBody, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var body = await File.ReadAllBytesAsync(probeBody, cancellationToken);
        var aside = process.ConfigPath + ".next";
        await File.WriteAllTextAsync(aside, yaml, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        File.Move(aside, process.ConfigPath, overwrite: true);
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20))
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(process.Path.ChatUrl, content, cancellationToken);
            if (response.StatusCode == expected)
            {
                return Stopwatch.GetElapsedTime(started);
            }

            await Task.Delay(5, cancellationToken);
        }

        throw new TimeoutException($"the reloaded config was not served within 20 s (see {process.Path.Key}.log)");
    }
}
