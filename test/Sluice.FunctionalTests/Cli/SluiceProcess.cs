using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Cli;

/// <summary>
/// Runs the built <c>sluice</c> command as a real process, with provider keys and Azure identity endpoints removed
/// from its environment (a test sets the ones it needs through <c>environment</c>).
/// </summary>
internal sealed partial class SluiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private SluiceProcess(Process process)
    {
        _process = process;
    }

    /// <summary>
    /// Provider keys, and the variables Azure.Identity reads to find a managed identity or workload identity (other
    /// tests set some of them in this process for a moment).
    /// </summary>
    private static readonly string[] RemovedVariables =
    [
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
    ];

    public string Stdout
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public static SluiceProcess Start(string arguments, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "sluice.dll")}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var name in RemovedVariables)
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var wrapper = new SluiceProcess(process);
        process.OutputDataReceived += (_, e) => wrapper.Append(wrapper._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => wrapper.Append(wrapper._stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        return wrapper;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Waits for the "serving ... on http://host:port/" line and returns the data-plane address.</summary>
    public async Task<Uri> WaitForListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var match = ServingLine().Match(Stdout);
            if (match.Success)
            {
                return new Uri(match.Groups[1].Value);
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sluice exited with {_process.ExitCode}:\n{Stdout}\n{Stderr}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"sluice did not start:\n{Stdout}\n{Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            builder.AppendLine(line);
        }
    }

    [GeneratedRegex(@"Sluice is serving .* on (http://[0-9.]+:[0-9]+/)")]
    private static partial Regex ServingLine();
}
