using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Sluice.LoadTools.Configs;
using Sluice.LoadTools.Load;
using Sluice.LoadTools.Processes;

namespace Sluice.LoadTools;

/// <summary>One way to reach the fake upstream: directly, through nginx, through Sluice or through Portkey.</summary>
internal sealed record PathUnderTest(string Key, string Label, Uri ChatUrl, IReadOnlyList<int> ProxyPids)
{
    /// <summary>Headers every request on this path carries (<c>name: value</c>), such as Portkey's routing config.</summary>
    public IReadOnlyList<string> Headers { get; init; } = [];
}

/// <summary>Where things are and which CPUs they get.</summary>
internal sealed record LabOptions(
    string SluiceExecutable,
    string BenchDirectory,
    string WorkDirectory,
    string? LoadCpus,
    string? ProxyCpus,
    IReadOnlyList<string> SluiceArguments,
    IReadOnlyDictionary<string, string> SluiceEnvironment)
{
    /// <summary>Portkey's gateway to start as a fourth path; null runs without it.</summary>
    public PortkeyInstall? Portkey { get; init; }

    /// <summary>Sluice published with Native AOT, for the variant that measures it; null without it.</summary>
    public string? SluiceAotExecutable { get; init; }

    /// <summary>bench/Sluice.BareForwarder's assembly, started as a reference path (<see cref="Lab.Bare"/>); null without it.</summary>
    public string? BareForwarderAssembly { get; init; }
}

/// <summary>
/// The processes of one benchmark run, all on 127.0.0.1: the fake upstream (<c>sluice simulate</c>) on the load
/// CPU, and nginx and Sluice (and Portkey's gateway when installed), all pinned to the proxy CPU, proxying to it.
/// All stay up for the whole run and are loaded one at a time, so every comparison is made in the same run under
/// the same conditions.
/// </summary>
internal sealed class Lab : IAsyncDisposable
{
    private readonly List<ChildProcess> _processes = [];
    private readonly List<int> _extraPids = [];

    private Lab(LabOptions options) => Options = options;

    public LabOptions Options { get; }

    public PathUnderTest Direct { get; private set; } = null!;

    public PathUnderTest Nginx { get; private set; } = null!;

    public PathUnderTest Sluice { get; private set; } = null!;

    /// <summary>Portkey's gateway, when installed and started; null otherwise (<see cref="PortkeyFailure"/> says why, if it failed).</summary>
    public PathUnderTest? Portkey { get; private set; }

    public IReadOnlyList<PathUnderTest> Paths => Portkey is null ? [Direct, Nginx, Sluice] : [Direct, Nginx, Sluice, Portkey];

    /// <summary>
    /// The least a .NET reverse proxy can be (bench/Sluice.BareForwarder: Kestrel in, HttpClient out, nothing else),
    /// with Sluice's runtime settings, on the proxy CPU. Measured only where it answers a question, passthrough and
    /// concurrency 1: what the .NET stack costs before any Sluice code runs. Null when not built.
    /// </summary>
    public PathUnderTest? Bare { get; private set; }

    /// <summary><see cref="Paths"/> and the bare forwarder, for the scenarios that measure it.</summary>
    public IReadOnlyList<PathUnderTest> PathsWithReference => Bare is null ? Paths : [.. Paths, Bare];

    public int UpstreamPid { get; private set; }

    /// <summary>The fake upstream's port, for the configs of extra Sluice processes.</summary>
    public int UpstreamPort { get; private set; }

    /// <summary>Every process the lab started (nginx's worker included), for telling its CPU use from other processes'.</summary>
    public IReadOnlyList<int> AllPids
    {
        get
        {
            lock (_extraPids)
            {
                return [UpstreamPid, .. Nginx.ProxyPids, .. Sluice.ProxyPids, .. Portkey?.ProxyPids ?? [], .. Bare?.ProxyPids ?? [], .. _extraPids];
            }
        }
    }

    /// <summary>From starting the Sluice process to <c>/ready</c> answering 200.</summary>
    public double SluiceStartupMs { get; private set; }

    /// <summary>From starting Portkey's node process to <c>GET /</c> answering 200.</summary>
    public double? PortkeyStartupMs { get; private set; }

    /// <summary>Why Portkey, though installed, is not a path of this run (it did not start, or did not route).</summary>
    public string? PortkeyFailure { get; private set; }

    public string LogDirectory => Path.Combine(Options.WorkDirectory, "logs");

    public static async Task<Lab> StartAsync(LabOptions options)
    {
        var lab = new Lab(options);
        try
        {
            await lab.StartAllAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        _processes.Clear();
        return ValueTask.CompletedTask;
    }

    private async Task StartAllAsync()
    {
        Directory.CreateDirectory(LogDirectory);
        var upstreamPort = FreePort();
        UpstreamPort = upstreamPort;
        var nginxPort = FreePort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        var upstream = Start("upstream", Options.SluiceExecutable, ["simulate", "--port", Text(upstreamPort), "--address", "127.0.0.1"], Options.LoadCpus);
        await WaitReadyAsync(http, upstream, new Uri($"http://127.0.0.1:{upstreamPort}/health"));
        UpstreamPid = upstream.Pid;
        Direct = new PathUnderTest("direct", "direct (no proxy)", new Uri($"http://127.0.0.1:{upstreamPort}/v1/chat/completions"), []);

        var prefix = Path.Combine(Options.WorkDirectory, "nginx");
        Directory.CreateDirectory(prefix);
        var template = await File.ReadAllTextAsync(Path.Combine(Options.BenchDirectory, "nginx", "nginx.conf.template"));
        var conf = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(conf, template
            .Replace("{{PREFIX}}", prefix, StringComparison.Ordinal)
            .Replace("{{PORT}}", Text(nginxPort), StringComparison.Ordinal)
            .Replace("{{UPSTREAM_PORT}}", Text(upstreamPort), StringComparison.Ordinal));
        var nginx = Start("nginx", "nginx", ["-p", prefix, "-c", conf, "-e", Path.Combine(prefix, "error.log")], Options.ProxyCpus);
        await WaitReadyAsync(http, nginx, new Uri($"http://127.0.0.1:{nginxPort}/nginx-ready"));
        Nginx = new PathUnderTest("nginx", "nginx", new Uri($"http://127.0.0.1:{nginxPort}/v1/chat/completions"), ProcFs.Tree(nginx.Pid));

        var main = await StartSluiceAsync("sluice", "Sluice", SluiceConfigs.Passthrough(upstreamPort));
        SluiceStartupMs = main.StartupMs;
        Sluice = main.Path;

        if (Options.BareForwarderAssembly is { } bareAssembly)
        {
            var barePort = FreePort();
            var bare = Start("bare", "dotnet", [bareAssembly, "--port", Text(barePort), "--upstream", $"http://127.0.0.1:{upstreamPort}"], Options.ProxyCpus);
            await WaitReadyAsync(http, bare, new Uri($"http://127.0.0.1:{barePort}/health")); // the upstream's, forwarded
            Bare = new PathUnderTest("bare", ".NET bare forwarder", new Uri($"http://127.0.0.1:{barePort}/v1/chat/completions"), [bare.Pid]);
        }

        if (Options.Portkey is { } portkey)
        {
            await StartPortkeyAsync(http, portkey, upstreamPort);
        }
    }

    /// <summary>
    /// Starts one more Sluice process on the proxy CPU with its own config (a variant of the passthrough: other
    /// providers, governance, many routes), counted as the harness's own in CPU accounting until it is disposed.
    /// </summary>
    public async Task<SluiceProcess> StartSluiceAsync(string key, string label, string yaml, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null, string? executable = null)
    {
        var config = Path.Combine(Options.WorkDirectory, key + ".yaml");
        await File.WriteAllTextAsync(config, yaml);
        var port = FreePort();
        var adminPort = FreePort();
        var merged = new Dictionary<string, string>(Options.SluiceEnvironment);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            merged[name] = value;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        var process = Start(key, executable ?? Options.SluiceExecutable,
            ["run", config, "--port", Text(port), "--admin-port", Text(adminPort), "--address", "127.0.0.1", .. arguments ?? Options.SluiceArguments], Options.ProxyCpus, merged);
        await WaitReadyAsync(http, process, new Uri($"http://127.0.0.1:{adminPort}/ready"));
        var startupMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        lock (_extraPids)
        {
            if (key != "sluice")
            {
                _extraPids.Add(process.Pid);
            }
        }

        var path = new PathUnderTest(key, label, new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), [process.Pid]);
        return new SluiceProcess(path, config, new Uri($"http://127.0.0.1:{adminPort}/"), startupMs, () => Stop(process));
    }

    /// <summary>
    /// Portkey on the proxy CPU, as nginx and Sluice. It is optional, so a failure to start or to route leaves the
    /// run without it (and the reason in <see cref="PortkeyFailure"/>) instead of stopping the run.
    /// </summary>
    private async Task StartPortkeyAsync(HttpClient http, PortkeyInstall install, int upstreamPort)
    {
        var port = FreePort();
        var started = Stopwatch.GetTimestamp();
        var process = Start("portkey", "node", PortkeyGateway.Arguments(install, port), Options.ProxyCpus);
        try
        {
            await WaitReadyAsync(http, process, PortkeyGateway.ReadyProbe(port));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            PortkeyFailure = ex.Message;
            Stop(process);
            return;
        }

        var startupMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var path = new PathUnderTest("portkey", "Portkey", new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), [process.Pid])
        {
            Headers = [PortkeyGateway.ConfigHeader(upstreamPort)],
        };
        // One chat completion through it first: a routing mistake would otherwise fill every scenario with errors.
        if (await Probe.CheckAsync(path.ChatUrl, "{\"model\":\"sluice-sim\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}"u8.ToArray(), path.Headers, stream: false, CancellationToken.None) is { } failure)
        {
            PortkeyFailure = failure;
            Stop(process);
            return;
        }

        PortkeyStartupMs = startupMs;
        Portkey = path;
    }

    private void Stop(ChildProcess process)
    {
        lock (_extraPids)
        {
            _extraPids.Remove(process.Pid);
        }

        process.Dispose();
        _processes.Remove(process);
    }

    private ChildProcess Start(string name, string program, IReadOnlyList<string> arguments, string? cpus, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = ChildProcess.Start(name, program, arguments, cpus, Path.Combine(LogDirectory, name + ".log"), environment);
        _processes.Add(process);
        return process;
    }

    private async Task WaitReadyAsync(HttpClient http, ChildProcess process, Uri probe)
    {
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 30);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited during start-up; see {Path.Combine(LogDirectory, process.Name + ".log")}");
            }

            try
            {
                using var response = await http.GetAsync(probe);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{process.Name} was not ready within 30 s ({probe}); see {Path.Combine(LogDirectory, process.Name + ".log")}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
