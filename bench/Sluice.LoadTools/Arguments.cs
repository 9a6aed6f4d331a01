namespace Sluice.LoadTools;

/// <summary>The command line of Sluice.LoadTools.</summary>
internal sealed record Arguments(
    BenchPlan Plan,
    string BenchDirectory,
    string SluiceExecutable,
    string ResultsDirectory,
    string? MicroDirectory,
    string? LoadCpus,
    string? ProxyCpus,
    string SluiceAccessLog,
    IReadOnlyDictionary<string, string> SluiceEnvironment)
{
    /// <summary>The npm prefix Portkey's gateway is installed in (default bench/.out/portkey); null with <c>--no-portkey</c>.</summary>
    public string? PortkeyDirectory { get; init; }

    /// <summary>Sluice published with Native AOT (<c>--sluice-aot</c>), measured as one more variant; null without it.</summary>
    public string? SluiceAotExecutable { get; init; }

    /// <summary>The built bench/Sluice.BareForwarder assembly (<c>--bare-forwarder</c>), a reference path; null without it.</summary>
    public string? BareForwarderAssembly { get; init; }

    public static Arguments? Parse(string[] args)
    {
        var plan = BenchPlan.Full;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int? soakSegments = null;
        var portkey = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    plan = BenchPlan.Quick;
                    break;
                case "--full":
                    plan = BenchPlan.Full;
                    break;
                case "--soak-segments" when i + 1 < args.Length && int.TryParse(args[i + 1], out var segments) && segments >= 0:
                    soakSegments = segments;
                    i++;
                    break;
                case "--no-portkey":
                    portkey = false;
                    break;
                case "--sluice-env" when i + 1 < args.Length && args[i + 1].Split('=', 2) is [{ Length: > 0 } name, var value]:
                    environment[name] = value;
                    i++;
                    break;
                case "--bench-dir" or "--sluice-access-log" or "--sluice" or "--sluice-aot" or "--results" or "--micro" or "--load-cpus" or "--proxy-cpus" or "--portkey" or "--bare-forwarder" when i + 1 < args.Length:
                    values[args[i]] = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown argument: {args[i]}\nusage: Sluice.LoadTools [--quick|--full] [--bench-dir DIR] [--sluice FILE] [--sluice-aot FILE] [--results DIR] [--micro DIR] [--load-cpus LIST] [--proxy-cpus LIST] [--sluice-access-log stdout|off|PATH] [--sluice-env NAME=VALUE]... [--portkey DIR | --no-portkey] [--bare-forwarder DLL] [--soak-segments N]");
                    return null;
            }
        }

        var bench = Path.GetFullPath(values.GetValueOrDefault("--bench-dir") ?? "bench");
        var sluice = Path.GetFullPath(values.GetValueOrDefault("--sluice") ?? Path.Combine(bench, ".out", "sluice", "sluice"));
        if (!File.Exists(sluice))
        {
            Console.Error.WriteLine($"no sluice executable at {sluice}: publish it first (bench/run.sh does)");
            return null;
        }

        var aot = values.GetValueOrDefault("--sluice-aot") is { } aotPath ? Path.GetFullPath(aotPath) : null;
        if (aot is not null && !File.Exists(aot))
        {
            Console.Error.WriteLine($"no Native AOT sluice at {aot} (--sluice-aot): publish it first (bench/run.sh does), or leave the option out");
            return null;
        }

        var bare = values.GetValueOrDefault("--bare-forwarder") is { } barePath ? Path.GetFullPath(barePath) : null;
        if (bare is not null && !File.Exists(bare))
        {
            Console.Error.WriteLine($"no bare forwarder at {bare} (--bare-forwarder): build bench/Sluice.BareForwarder first (bench/run.sh does), or leave the option out");
            return null;
        }

        if (soakSegments is { } count)
        {
            plan = plan with { SoakSegments = count };
        }

        return new Arguments(plan, bench, sluice, Path.GetFullPath(values.GetValueOrDefault("--results") ?? Path.Combine(bench, "results")),
            values.GetValueOrDefault("--micro"), values.GetValueOrDefault("--load-cpus"), values.GetValueOrDefault("--proxy-cpus"),
            values.GetValueOrDefault("--sluice-access-log") ?? "off", environment)
        {
            PortkeyDirectory = portkey ? Path.GetFullPath(values.GetValueOrDefault("--portkey") ?? Path.Combine(bench, ".out", "portkey")) : null,
            SluiceAotExecutable = aot,
            BareForwarderAssembly = bare,
        };
    }
}
