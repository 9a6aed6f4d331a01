using System.Text;
using System.Text.RegularExpressions;
using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Loading;

/// <summary>
/// Replaces <c>${VAR}</c> in config text with the environment variable's value, as <c>aigw run</c> does.
/// An unset variable becomes empty and is reported as a warning with its line.
/// </summary>
internal static partial class EnvSubstitution
{
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex VariablePattern();

    public static string Apply(string text, string file, Func<string, string?> getEnvironment, DiagnosticBag diagnostics)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var last = 0;
        foreach (Match match in VariablePattern().Matches(text))
        {
            builder.Append(text, last, match.Index - last);
            var name = match.Groups[1].Value;
            var value = getEnvironment(name);
            if (value is null)
            {
                var line = 1 + text.AsSpan(0, match.Index).Count('\n');
                diagnostics.Warning(new ConfigLocation(file, line, null, null), $"environment variable {name} is not set; ${{{name}}} is replaced by an empty string");
            }
            else if (value.Contains('\n', StringComparison.Ordinal))
            {
                // A multi-line value would shift every later line number; YAML double-quoted escapes keep it on one line.
                value = value.Replace("\n", "\\n", StringComparison.Ordinal);
            }

            builder.Append(value);
            last = match.Index + match.Length;
        }

        builder.Append(text, last, text.Length - last);
        return builder.ToString();
    }
}
