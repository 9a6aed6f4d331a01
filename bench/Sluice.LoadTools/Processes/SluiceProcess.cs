namespace Sluice.LoadTools.Processes;

/// <summary>
/// One Sluice process the lab started: the path to load it through, its config file (rewrite it to hot-reload),
/// its admin endpoint, how long it took from start to <c>/ready</c>; disposing stops it.
/// </summary>
internal sealed class SluiceProcess(PathUnderTest path, string configPath, Uri adminUrl, double startupMs, Action stop) : IDisposable
{
    private Action? _stop = stop;

    public PathUnderTest Path { get; } = path;

    public string ConfigPath { get; } = configPath;

    public Uri AdminUrl { get; } = adminUrl;

    public double StartupMs { get; } = startupMs;

    public void Dispose() => Interlocked.Exchange(ref _stop, null)?.Invoke();
}
