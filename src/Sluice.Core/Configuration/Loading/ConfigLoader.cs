using Sluice.Configuration.Parsing;
using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Loading;

/// <summary>Reads every source into a <see cref="ConfigSet"/>: files, substitution, YAML, per-kind parsing.</summary>
internal static class ConfigLoader
{
    public static ConfigSet Load(IReadOnlyList<ConfigSource> sources, Func<string, string?> getEnvironment, DiagnosticBag diagnostics)
    {
        var resources = new List<ResourceConfig>();
        var watched = new List<string>();
        foreach (var (displayName, fullPath, rawText) in ConfigFileReader.Read(sources, diagnostics))
        {
            if (fullPath is not null)
            {
                watched.Add(fullPath);
            }

            var text = EnvSubstitution.Apply(rawText, displayName, getEnvironment, diagnostics);
            var context = new ParseContext(fullPath, getEnvironment, watched);
            foreach (var document in YamlDocumentReader.Read(displayName, text, diagnostics))
            {
                if (ResourceParser.Parse(document, context) is { } resource)
                {
                    resources.Add(resource);
                }
            }
        }

        return new ConfigSet(resources, watched.Distinct(StringComparer.Ordinal).ToList());
    }
}
