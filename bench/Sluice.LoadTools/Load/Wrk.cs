using System.Globalization;
using System.Text.Json;
using Sluice.LoadTools.Processes;

namespace Sluice.LoadTools.Load;

internal sealed record WrkErrors(long Connect, long Read, long Write, long Status, long Timeout)
{
    public long Total => Connect + Read + Write + Status + Timeout;
}

/// <summary>wrk's latency histogram, in microseconds.</summary>
internal sealed record LatencyUs(double Min, double Mean, double Max, double P50, double P90, double P99, double P999);

internal sealed record WrkResult(long Requests, double DurationSeconds, long Bytes, WrkErrors Errors, LatencyUs Latency)
{
    public double RequestsPerSecond => DurationSeconds > 0 ? Requests / DurationSeconds : 0;
}

/// <summary>One wrk run: URL, body, connections, duration; <paramref name="Rate"/> 0 is closed loop (as fast as it goes).</summary>
internal sealed record WrkRequest(Uri Url, string BodyFile, int Connections, TimeSpan Duration, int Rate = 0, IReadOnlyList<string>? Headers = null);

/// <summary>
/// Drives wrk (one thread, on the load CPU) with bench/wrk/chat.lua, whose <c>done</c> callback prints a
/// <c>WRKJSON {...}</c> line; wrk's full output is kept in the run's log directory.
/// </summary>
internal sealed class Wrk(string script, string? cpus, string logDirectory)
{
    public async Task<WrkResult> RunAsync(WrkRequest request, string logName)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(request.Duration.TotalSeconds));
        var arguments = new List<string>
        {
            "-t1", $"-c{request.Connections}", $"-d{seconds}s", "--timeout", "10s", "-s", script,
        };
        foreach (var header in request.Headers ?? [])
        {
            arguments.Add("-H");
            arguments.Add(header);
        }

        arguments.Add(request.Url.ToString());
        var environment = new Dictionary<string, string> { ["WRK_BODY_FILE"] = request.BodyFile };
        if (request.Rate > 0)
        {
            environment["WRK_RATE"] = request.Rate.ToString(CultureInfo.InvariantCulture);
        }

        var result = await Command.RunAsync("wrk", arguments, TimeSpan.FromSeconds(seconds + 60), environment, cpus);
        await File.WriteAllTextAsync(Path.Combine(logDirectory, $"wrk-{logName}.txt"),
            $"wrk {string.Join(' ', arguments)}\n{result.Output}\n{result.Error}");
        var line = result.Output.Split('\n').FirstOrDefault(static l => l.StartsWith("WRKJSON ", StringComparison.Ordinal));
        if (result.TimedOut || line is null)
        {
            throw new InvalidOperationException($"wrk {logName} failed (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : string.Empty)}): {result.Error.Trim()}");
        }

        using var json = JsonDocument.Parse(line["WRKJSON ".Length..]);
        var root = json.RootElement;
        var errors = root.GetProperty("errors");
        var latency = root.GetProperty("latency_us");
        return new WrkResult(
            root.GetProperty("requests").GetInt64(),
            root.GetProperty("duration_us").GetInt64() / 1e6,
            root.GetProperty("bytes").GetInt64(),
            new WrkErrors(errors.GetProperty("connect").GetInt64(), errors.GetProperty("read").GetInt64(), errors.GetProperty("write").GetInt64(),
                errors.GetProperty("status").GetInt64(), errors.GetProperty("timeout").GetInt64()),
            new LatencyUs(latency.GetProperty("min").GetDouble(), latency.GetProperty("mean").GetDouble(), latency.GetProperty("max").GetDouble(),
                latency.GetProperty("p50").GetDouble(), latency.GetProperty("p90").GetDouble(), latency.GetProperty("p99").GetDouble(),
                latency.GetProperty("p999").GetDouble()));
    }
}
