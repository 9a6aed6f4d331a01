using System.Diagnostics;

namespace Sluice.LoadTools.Load;

/// <summary>Time to first token and chunk gaps of sequential paced streams (microseconds).</summary>
internal sealed record StreamLatencyResult(int Streams, int Failed, string? FirstError, Distribution FirstEventUs, Distribution FirstTokenUs, Distribution GapUs);

/// <summary>One concurrency level: how many streams of it completed without a stall.</summary>
internal sealed record ConcurrencyLevelResult(int Streams, int StallFree, int Stalled, int Failed, string? FirstError, double SecondsTaken, Distribution FirstTokenUs, Distribution GapUs)
{
    public bool AllStallFree => StallFree == Streams;
}

/// <summary>The SSE scenarios, run with <see cref="SseStreamClient"/> against one path.</summary>
internal static class StreamScenarios
{
    public static async Task<StreamLatencyResult> LatencyAsync(SseStreamClient client, BenchPlan plan)
    {
        var samples = new List<StreamSample>(plan.StreamLatencySamples);
        for (var i = 0; i < plan.StreamLatencySamples; i++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            samples.Add(await client.RunAsync(plan.StreamChunks, plan.StreamLatencyTokensPerSecond, timeout.Token));
        }

        var ok = samples.Where(static s => s.Completed).ToList();
        return new StreamLatencyResult(
            samples.Count,
            samples.Count - ok.Count,
            samples.FirstOrDefault(static s => !s.Completed)?.Error,
            Distribution.Of(ok.Select(static s => s.FirstEventUs)),
            Distribution.Of(ok.Select(static s => s.FirstTokenUs)),
            Distribution.Of(ok.SelectMany(static s => s.GapsUs)));
    }

    /// <summary>
    /// Starts <paramref name="streams"/> paced streams spread evenly over the ramp-up and waits for all of them. A
    /// stream is stall-free when it completes with every chunk, its first token within
    /// <see cref="BenchPlan.StallFirstToken"/> and no gap above <see cref="BenchPlan.StallGap"/>.
    /// </summary>
    public static async Task<ConcurrencyLevelResult> ConcurrencyAsync(SseStreamClient client, BenchPlan plan, int streams)
    {
        var streamSeconds = plan.StreamChunks / plan.ConcurrencyTokensPerSecond;
        using var timeout = new CancellationTokenSource(plan.ConcurrencyRampUp + TimeSpan.FromSeconds(streamSeconds * 3 + 20));
        var started = Stopwatch.GetTimestamp();
        var tasks = new Task<StreamSample>[streams];
        for (var i = 0; i < streams; i++)
        {
            var offset = plan.ConcurrencyRampUp * i / streams;
            tasks[i] = RunAfterAsync(client, plan, offset, timeout.Token);
        }

        var samples = await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var stallGapUs = plan.StallGap.TotalMicroseconds;
        var firstTokenUs = plan.StallFirstToken.TotalMicroseconds;
        var ok = samples.Where(static s => s.Completed).ToList();
        var stallFree = ok.Count(s => s.FirstTokenUs <= firstTokenUs && s.GapsUs.All(g => g <= stallGapUs));
        return new ConcurrencyLevelResult(
            streams,
            stallFree,
            ok.Count - stallFree,
            streams - ok.Count,
            samples.FirstOrDefault(static s => !s.Completed)?.Error,
            Math.Round(seconds, 2),
            Distribution.Of(ok.Select(static s => s.FirstTokenUs)),
            Distribution.Of(ok.SelectMany(static s => s.GapsUs)));
    }

    private static async Task<StreamSample> RunAfterAsync(SseStreamClient client, BenchPlan plan, TimeSpan offset, CancellationToken cancellationToken)
    {
        await Task.Delay(offset, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await client.RunAsync(plan.StreamChunks, plan.ConcurrencyTokensPerSecond, cancellationToken);
    }
}
