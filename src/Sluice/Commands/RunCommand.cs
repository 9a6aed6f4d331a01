using System.CommandLine;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Sluice.Auth;
using Sluice.Configuration.Loading;
using Sluice.Forwarding;
using Sluice.Hosting;
using Sluice.Management;
using Sluice.RateLimiting;
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
        var rateLimitRedis = new Option<string?>("--rate-limit-redis") { Description = "Keep Global rate-limit counters in this Redis (host:port[,password=...,ssl=true]), shared by every replica (default: SLUICE_RATELIMIT_REDIS, else in process)" };
        var rateLimitFailureMode = new Option<string?>("--rate-limit-failure-mode") { Description = "When Redis is unreachable: open (admit uncounted) or closed (503) (default: SLUICE_RATELIMIT_FAILURE_MODE, else open)" };
        var rateLimitReservation = new Option<string?>("--rate-limit-reservation") { Description = "on: reserve each request's estimated token cost at admission, so concurrent requests overshoot a limit by at most one reservation (default: SLUICE_RATELIMIT_RESERVATION, else off)" };
        var rateLimitReserveOutput = new Option<int?>("--rate-limit-reserve-output-tokens") { Description = $"Output tokens reserved for a request without max_tokens (default: SLUICE_RATELIMIT_RESERVE_OUTPUT_TOKENS, else {RateLimitOptions.DefaultReserveOutputTokens})" };
        var logLevel = CliLogging.LevelOption();
        var command = new Command("run", "Serve the gateway. With no PATH: Azure OpenAI or OpenAI from environment variables, else the built-in simulator.")
        {
            paths, port, adminPort, address, accessLog, rateLimitRedis, rateLimitFailureMode, rateLimitReservation, rateLimitReserveOutput, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            RateLimitOptions rateLimit;
            try
            {
                rateLimit = RateLimitSettings(parse.GetValue(rateLimitRedis), parse.GetValue(rateLimitFailureMode), parse.GetValue(rateLimitReservation), parse.GetValue(rateLimitReserveOutput));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Console.Error.WriteLine($"sluice: {ex.Message}");
                return ExitCodes.InvalidConfig;
            }

            var accessLogWriter = OpenAccessLog(parse.GetValue(accessLog)!);
            try
            {
                return await RunAsync(
                    parse.GetValue(paths) ?? [],
                    new GatewayHostOptions { Port = parse.GetValue(port), AdminPort = parse.GetValue(adminPort), Address = parse.GetValue(address)!, AccessLog = accessLogWriter, RateLimit = rateLimit },
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

    /// <summary>SLUICE_RATELIMIT_* from the environment, overridden by the flags given; a malformed Redis configuration is refused here, not at the first request.</summary>
    private static RateLimitOptions RateLimitSettings(string? redis, string? failureMode, string? reservation, int? reserveOutput)
    {
        var options = RateLimitOptions.FromEnvironment(Environment.GetEnvironmentVariable);
        options = options with
        {
            Redis = string.IsNullOrWhiteSpace(redis) ? options.Redis : redis.Trim(),
            FailureMode = failureMode is null ? options.FailureMode : RateLimitOptions.ParseFailureMode(failureMode),
            Reservation = reservation is null ? options.Reservation : RateLimitOptions.ParseSwitch(reservation, "--rate-limit-reservation"),
            ReserveOutputTokens = reserveOutput is >= 0 ? reserveOutput.Value : reserveOutput is null ? options.ReserveOutputTokens : throw new FormatException("--rate-limit-reserve-output-tokens must not be negative"),
        };
        if (options.Redis is { } configuration)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(configuration);
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"rate-limit Redis configuration is invalid: {ex.Message}", ex);
            }
        }

        return options;
    }

    private static TextWriter? OpenAccessLog(string target) => target switch
    {
        "off" => null,
        "stdout" => Console.Out,
        // The access log writes batches of lines (see AccessLog): a 64 KB buffer makes a batch one write.
        _ => new StreamWriter(new FileStream(target, FileMode.Append, FileAccess.Write, FileShare.Read), bufferSize: 64 * 1024),
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
