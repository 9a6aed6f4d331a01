using System.CommandLine;
using Sluice.Configuration.Loading;

namespace Sluice.Cli.Commands;

/// <summary>Turns the PATH arguments into config sources; <c>-</c> reads standard input once.</summary>
internal static class ConfigSources
{
    public static IReadOnlyList<ConfigSource> FromArguments(IReadOnlyList<string> paths)
    {
        var sources = new List<ConfigSource>(paths.Count);
        foreach (var path in paths)
        {
            sources.Add(path == "-" ? ConfigSource.FromText("<stdin>", Console.In.ReadToEnd()) : ConfigSource.FromPath(path));
        }

        return sources;
    }

    public static Argument<string[]> PathsArgument() => new("PATH")
    {
        Description = "YAML files or directories of Envoy AI Gateway resources; - reads standard input",
        Arity = ArgumentArity.ZeroOrMore,
    };
}
