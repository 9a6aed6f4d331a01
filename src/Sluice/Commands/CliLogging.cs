using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Sluice.Cli.Commands;

/// <summary>One logging set-up for every command: single-line console output, framework noise at Warning.</summary>
internal static class CliLogging
{
    public static Action<ILoggingBuilder> Configure(LogLevel level) => logging =>
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // A failed start (port in use) is reported by the command in one line; the host would add a stack trace.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
            options.IncludeScopes = false;
        });
    };

    public static ILoggerFactory CreateFactory(LogLevel level) => LoggerFactory.Create(Configure(level));

    public static Option<LogLevel> LevelOption() => new("--log-level")
    {
        Description = "Trace, Debug, Information, Warning or Error",
        DefaultValueFactory = static _ => LogLevel.Information,
    };
}
