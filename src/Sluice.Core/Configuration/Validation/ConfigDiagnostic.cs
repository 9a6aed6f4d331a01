namespace Sluice.Configuration.Validation;

internal enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>Where a config value came from: file, line, the resource it belongs to and the field path inside it.</summary>
internal sealed record ConfigLocation(string File, int Line, string? Resource, string? FieldPath)
{
    public static readonly ConfigLocation None = new("<config>", 0, null, null);

    public ConfigLocation WithField(string fieldPath, int line) => this with { FieldPath = fieldPath, Line = line };

    public override string ToString()
    {
        var prefix = Line > 0 ? $"{File}:{Line}" : File;
        if (Resource is not null)
        {
            prefix += $": {Resource}";
        }

        if (!string.IsNullOrEmpty(FieldPath))
        {
            prefix += $": {FieldPath}";
        }

        return prefix;
    }
}

/// <summary>One finding about the configuration, formatted as <c>file:line: Kind ns/name: field.path: message</c>.</summary>
internal sealed record ConfigDiagnostic(DiagnosticSeverity Severity, ConfigLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}
