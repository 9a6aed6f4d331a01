using System.CommandLine;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Sluice.Auth;
using Sluice.Configuration.Loading;
using Sluice.Forwarding;
using Sluice.Hosting;
using Sluice.Management;
using Sluice.Simulator;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice run [PATH...]</c>: serve OpenAI-compatible traffic from Envoy AI Gateway YAML.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var paths = ConfigSources.PathsArgument();
        var port = new Option<int?>("--port") { Description = $"Listener port (default: the Gateway's listener port, else {GatewayHostOptions.DefaultPort})" };
        var adminPort = new Option<int>("--admin-port") { Description = "Port for /health, /ready and /metrics", DefaultValueFactory = static _ => GatewayHostOptions.DefaultAdminPort };
        var address = new Option<string>("--address") { Description = "Address to bind both listeners to", DefaultValueFactory = static _ => "0.0.0.0" };
        var accessLog = new Option<string>("--access-log") { Description = "JSON access log, one line per request: stdout, off, or a file path (appended)", DefaultValueFactory = static _ => "stdout" };
        var logLevel = CliLogging.LevelOption();
        var command = new Command("run", "Serve the gateway. With no PATH: Azure OpenAI or OpenAI from environment variables, else the built-in simulator.")
        {
            paths, port, adminPort, address, accessLog, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var accessLogWriter = OpenAccessLog(parse.GetValue(accessLog)!);
            try
            {
                return await RunAsync(
                    parse.GetValue(paths) ?? [],
                    new GatewayHostOptions { Port = parse.GetValue(port), AdminPort = parse.GetValue(adminPort), Address = parse.GetValue(address)!, AccessLog = accessLogWriter },
                    parse.GetValue(logLevel),
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (accessLogWriter is StreamWriter file)
                {
                    await file.DisposeAsync().ConfigureAwait(false); // never Console.Out
                }
            }
        });
        return command;
    }

    private static TextWriter? OpenAccessLog(string target) => target switch
    {
        "off" => null,
        "stdout" => Console.Out,
        _ => new StreamWriter(new FileStream(target, FileMode.Append, FileAccess.Write, FileShare.Read)),
    };

    private static async Task<int> RunAsync(string[] paths, GatewayHostOptions options, LogLevel level, CancellationToken cancellationToken)
    {
        var configureLogging = CliLogging.Configure(level);
        using var loggerFactory = CliLogging.CreateFactory(level);
        var logger = loggerFactory.CreateLogger("Sluice");
        SimulatorServer? simulator = null;
        try
        {
            IReadOnlyList<ConfigSource> sources;
            var defaultKind = DefaultConfigKind.Simulator;
            if (paths.Length > 0)
            {
                sources = ConfigSources.FromArguments(paths);
            }
            else
            {
                defaultKind = DefaultConfig.Choose(Environment.GetEnvironmentVariable);
                if (defaultKind == DefaultConfigKind.Simulator)
                {
                    simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, TokensPerSecond = 50 }, cancellationToken).ConfigureAwait(false);
                }

                sources = defaultKind switch
                {
                    DefaultConfigKind.AzureOpenAI => [DefaultConfig.AzureOpenAI(Environment.GetEnvironmentVariable)],
                    DefaultConfigKind.OpenAI => [DefaultConfig.OpenAI(Environment.GetEnvironmentVariable)],
                    _ => [DefaultConfig.Simulator(simulator!.Port)],
                };
            }

            using var clients = new UpstreamClientPool();
            using var auth = new AuthServices(loggerFactory.CreateLogger("Sluice.Auth"));
            using var configs = new ConfigManager(sources, clients, loggerFactory.CreateLogger("Sluice.Config"), auth: auth);
            if (!configs.LoadInitial())
            {
                Console.Error.WriteLine("sluice: the configuration is invalid (errors above); nothing is served.");
                return ExitCodes.InvalidConfig;
            }

            GatewayHost host;
            try
            {
                host = await GatewayHost.StartAsync(configs, options, configureLogging, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.InnerException is SocketException or AddressInUseException)
            {
                Console.Error.WriteLine($"sluice: cannot listen: {ex.Message} (choose another port with --port / --admin-port)");
                return ExitCodes.Failure;
            }

            await using (host.ConfigureAwait(false))
            {
                Console.WriteLine($"Sluice is serving {configs.Current!.Description} on {host.BaseAddress} (admin: {host.AdminAddress}health, /ready, /metrics)");
                if (paths.Length == 0)
                {
                    Console.WriteLine(Banner.ForDefault(defaultKind, host.BaseAddress));
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    logger.LogInformation("shutting down");
                }
            }

            return 0;
        }
        finally
        {
            if (simulator is not null)
            {
                await simulator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
