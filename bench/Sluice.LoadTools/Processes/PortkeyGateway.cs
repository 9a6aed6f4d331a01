using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.LoadTools.Load;

namespace Sluice.LoadTools.Processes;

/// <summary>An installed Portkey gateway: its start script, the loopback preload, and the versions that ran.</summary>
internal sealed record PortkeyInstall(string StartScript, string LoopbackPreload, string Version, string NodeVersion);

/// <summary>What <see cref="PortkeyGateway.LocateAsync"/> found: an install, or why the run has no Portkey path.</summary>
internal sealed record PortkeyLookup(PortkeyInstall? Install, string? NotMeasuredReason);

/// <summary>
/// What the report says about the Portkey path: the version measured, how it was started and routed, and its
/// start-up time; or, when it was not measured, why. Absent in runs from before the Portkey path.
/// </summary>
internal sealed record PortkeyInfo(string? Version, string? NodeVersion, string? Command, string? ConfigHeader, double? StartupMs, string? NotMeasuredReason);

/// <summary>
/// Portkey's AI gateway (npm <c>@portkey-ai/gateway</c>), the peer the harness measures next to nginx and Sluice.
/// bench/run.sh installs it with <c>npm ci</c> from bench/portkey/package-lock.json into bench/.out/portkey. It is
/// started as <c>npx @portkey-ai/gateway</c> would start it (<c>node build/start-server.js --port=P</c>, plus
/// <c>--headless</c>: no web console), with a preload that binds it to 127.0.0.1, and routed per request by the
/// <c>x-portkey-config</c> header to the fake upstream; it keeps no other config. Optional: without node or an
/// install the run goes on without it and the report says why.
/// </summary>
internal static class PortkeyGateway
{
    public const string PackageName = "@portkey-ai/gateway";

    /// <summary>The simulator's per-request knobs the harness sends; Portkey forwards only the headers its config lists.</summary>
    private static readonly string[] ForwardedHeaders = ["x-sim-completion-tokens", "x-sim-tokens-per-second"];

    /// <summary>Finds Portkey installed in <paramref name="directory"/> (an npm prefix) and node on the PATH.</summary>
    public static async Task<PortkeyLookup> LocateAsync(string benchDirectory, string directory)
    {
        var package = Path.Combine(directory, "node_modules", PackageName);
        var startScript = Path.Combine(package, "build", "start-server.js");
        if (!File.Exists(startScript))
        {
            // bench/run.sh leaves npm's output, or why it did not run npm, in install.log.
            var log = Path.Combine(directory, "install.log");
            var why = File.Exists(log) ? File.ReadLines(log).LastOrDefault(static l => l.Trim().Length > 0)?.Trim() : null;
            var where = Path.GetRelativePath(Path.Combine(benchDirectory, ".."), directory);
            return new(null, $"not installed in {where}: {why ?? "bench/run.sh installs it with npm"}");
        }

        var preload = Path.Combine(benchDirectory, "portkey", "loopback.cjs");
        if (!File.Exists(preload))
        {
            return new(null, $"{preload} is missing");
        }

        string? node;
        try
        {
            node = await Command.FirstLineAsync("node", "--version");
        }
        catch (InvalidOperationException)
        {
            node = null;
        }

        if (node is null)
        {
            return new(null, "node was not found on the PATH");
        }

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(package, "package.json")));
        var version = manifest.RootElement.TryGetProperty("version", out var v) ? v.GetString() ?? "?" : "?";
        return new(new PortkeyInstall(startScript, preload, version, node), null);
    }

    /// <summary>node's arguments: the loopback preload, Portkey's own start script, its port, no web console.</summary>
    public static IReadOnlyList<string> Arguments(PortkeyInstall install, int port) =>
        ["--require", install.LoopbackPreload, install.StartScript, "--port=" + port.ToString(CultureInfo.InvariantCulture), "--headless"];

    /// <summary>Portkey answers <c>GET /</c> with 200 once it listens; it has no other readiness endpoint.</summary>
    public static Uri ReadyProbe(int port) => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));

    /// <summary>
    /// The routing header on every request: provider openai at the fake upstream, a dummy key (sent as
    /// <c>Authorization: Bearer</c>), and the simulator's knobs forwarded (Portkey drops other client headers).
    /// </summary>
    public static string ConfigHeader(int upstreamPort)
    {
        var config = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{{\"provider\":\"openai\",\"custom_host\":\"http://127.0.0.1:{upstreamPort}/v1\",\"api_key\":\"sk-bench\",\"forward_headers\":[")
            .AppendJoin(',', ForwardedHeaders.Select(static h => $"\"{h}\""))
            .Append("]}");
        return "x-portkey-config: " + config;
    }

    /// <summary>What the report records about Portkey after the run: what ran and how, or why it did not.</summary>
    public static PortkeyInfo Describe(PortkeyLookup lookup, Lab lab)
    {
        if (lookup.Install is not { } install)
        {
            return new(null, null, null, null, null, lookup.NotMeasuredReason);
        }

        if (lab.Portkey is not { } path)
        {
            return new(install.Version, install.NodeVersion, null, null, null, lab.PortkeyFailure ?? "not started");
        }

        var repository = Path.Combine(lab.Options.BenchDirectory, "..");
        var command = $"node --require {Path.GetRelativePath(repository, install.LoopbackPreload)} {Path.GetRelativePath(repository, install.StartScript)} --port={path.ChatUrl.Port} --headless";
        return new(install.Version, install.NodeVersion, command, path.Headers.FirstOrDefault(), lab.PortkeyStartupMs, null);
    }
}
