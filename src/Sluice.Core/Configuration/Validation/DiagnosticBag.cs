namespace Sluice.Configuration.Validation;

/// <summary>Collects every finding of one load, so a user sees all errors at once instead of one per run.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ConfigDiagnostic> _items = [];

    public IReadOnlyList<ConfigDiagnostic> Items => _items;

    public bool HasErrors => ErrorCount > 0;

    public int ErrorCount { get; private set; }

    public void Error(ConfigLocation location, string message)
    {
        ErrorCount++;
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, location, message));
    }

    public void Warning(ConfigLocation location, string message) =>
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, location, message));

    public void Info(ConfigLocation location, string message) =>
        _items.Add(new ConfigDiagnostic(DiagnosticSeverity.Info, location, message));

    public IEnumerable<ConfigDiagnostic> Errors => _items.Where(static d => d.Severity == DiagnosticSeverity.Error);
}
