using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Configuration.Validation;
using Sluice.Forwarding;
using Sluice.Management;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice validate PATH...</c>: check a config without serving it (exit 0 valid, 2 invalid).</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var paths = ConfigSources.PathsArgument();
        paths.Arity = System.CommandLine.ArgumentArity.OneOrMore;
        var command = new Command("validate", "Check configuration files and print every problem with file, line, resource and field.") { paths };
        command.SetAction(parse =>
        {
            using var clients = new UpstreamClientPool();
            using var configs = new ConfigManager(ConfigSources.FromArguments(parse.GetValue(paths)!), clients, NullLogger.Instance);
            var (snapshot, diagnostics) = configs.Build();
            foreach (var diagnostic in diagnostics)
            {
                var writer = diagnostic.Severity == DiagnosticSeverity.Error ? Console.Error : Console.Out;
                writer.WriteLine($"{diagnostic.Severity.ToString().ToLowerInvariant()}: {diagnostic}");
            }

            if (snapshot is null)
            {
                Console.Error.WriteLine($"invalid: {diagnostics.Count(static d => d.Severity == DiagnosticSeverity.Error)} error(s)");
                return ExitCodes.InvalidConfig;
            }

            Console.WriteLine($"valid: {snapshot.Description}");
            return 0;
        });
        return command;
    }
}
