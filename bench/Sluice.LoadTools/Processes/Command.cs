using System.Diagnostics;

namespace Sluice.LoadTools.Processes;

/// <summary>Runs a short command to completion with a time limit and returns what it printed.</summary>
internal static class Command
{
    public sealed record Result(int ExitCode, string Output, string Error, bool TimedOut);

    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? cpus = null)
    {
        var info = new ProcessStartInfo
        {
            FileName = cpus is null ? program : "taskset",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
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

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        return new Result(process.ExitCode, await output, await error, timedOut);
    }

    /// <summary>The first line a command prints (on either stream), or null when it cannot run.</summary>
    public static async Task<string?> FirstLineAsync(string program, params string[] arguments)
    {
        try
        {
            var result = await RunAsync(program, arguments, TimeSpan.FromSeconds(10));
            var text = (result.Output + "\n" + result.Error).Trim();
            return text.Length == 0 ? null : text.Split('\n')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
