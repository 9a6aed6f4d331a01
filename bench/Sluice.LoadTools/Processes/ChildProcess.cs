using System.Diagnostics;

namespace Sluice.LoadTools.Processes;

/// <summary>
/// A process the harness starts and always stops: optionally pinned to CPUs with <c>taskset</c> (which execs the
/// program, so the pid is the program's), output appended to a log file (cut at 50 M characters), killed with its
/// children on dispose.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    /// <summary>A process that logs per request would otherwise fill the disk during a long run.</summary>
    private const long MaxLogChars = 50_000_000;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private long _logged;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string program, IReadOnlyList<string> arguments, string? cpus, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo
        {
            FileName = cpus is null ? program : "taskset",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (cpus is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add(program);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start {program}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // it has already exited
        }

        _process.Dispose();
        lock (_logLock)
        {
            _log.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            try
            {
                if (_logged < MaxLogChars)
                {
                    _logged += line.Length + 1;
                    _log.WriteLine(_logged < MaxLogChars ? line : $"[{Name}: log cut at {MaxLogChars:N0} characters]");
                }
            }
            catch (ObjectDisposedException)
            {
                // output that arrives after the process was stopped
            }
        }
    }
}
