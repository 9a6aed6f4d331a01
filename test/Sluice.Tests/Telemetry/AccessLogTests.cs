using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sluice.Telemetry;

public sealed class AccessLogTests
{
    [Fact]
    public async Task LinesFromManyThreads_AreAllWrittenWhole_AndDisposeDrainsThem()
    {
        var output = new StringWriter();
        var log = new AccessLog(output, TimeProvider.System);

        await Parallel.ForAsync(0, 2000, (i, _) =>
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.Path = "/v1/chat/completions";
            context.Response.StatusCode = 400 + (i % 3);
            log.WriteRejected(context, "MalformedRequest", TimeSpan.FromMilliseconds(i), "model-" + i, null);
            return ValueTask.CompletedTask;
        });
        await log.DisposeAsync();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2000, lines.Length);
        var models = lines.Select(static line => JsonDocument.Parse(line).RootElement.GetProperty("gen_ai.original.model").GetString()).ToHashSet();
        Assert.Equal(2000, models.Count);
    }

    [Fact]
    public async Task ALine_IsWrittenWithinTheBatchWindow_WithoutWaitingForMore()
    {
        var text = new StringWriter();
        var output = TextWriter.Synchronized(text); // the log writes from its own task; read under the same lock
        await using var log = new AccessLog(output, TimeProvider.System);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/v1/models";

        log.WriteRejected(context, "ClientDenied", TimeSpan.Zero, null, null);

        string Written()
        {
            lock (output)
            {
                return text.ToString();
            }
        }

        for (var i = 0; i < 100 && !Written().EndsWith('\n'); i++)
        {
            await Task.Delay(10);
        }

        var line = Assert.Single(Written().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("ClientDenied", JsonDocument.Parse(line).RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task WhileTheOutputIsStuck_ABatchStopsAtItsCap_AndTheDroppedLinesAreCounted()
    {
        var output = new StuckWriter();
        var log = new AccessLog(output, TimeProvider.System);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        context.Response.StatusCode = 400;

        log.WriteRejected(context, "MalformedRequest", TimeSpan.Zero, "first", null);
        await output.FirstWrite.WaitAsync(TimeSpan.FromSeconds(10)); // the writer holds the first batch; it cannot write
        const int Lines = 40_000; // about 6 MB of lines: more than one batch holds
        for (var i = 0; i < Lines; i++)
        {
            log.WriteRejected(context, "MalformedRequest", TimeSpan.Zero, "model-" + i, null);
        }

        output.Release();
        await log.DisposeAsync();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var dropped = lines.Select(static line => JsonDocument.Parse(line).RootElement)
            .Where(static line => line.TryGetProperty("sluice.access_log.dropped_lines", out _))
            .Sum(static line => line.GetProperty("sluice.access_log.dropped_lines").GetInt64());
        var written = lines.Count(static line => line.Contains("\"outcome\"", StringComparison.Ordinal));
        Assert.True(dropped > 0, "a stuck output must make the batch stop at its cap");
        Assert.True(written > 1, "the lines that fitted are written");
        Assert.Equal(Lines + 1, written + dropped);
        Assert.True(output.ToString().Length < 2 * AccessLog.MaxBatchChars);
    }

    /// <summary>Blocks its first write until <see cref="Release"/>, like a stdout nobody reads.</summary>
    private sealed class StuckWriter : StringWriter
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _firstWrite.Task;

        public void Release() => _released.TrySetResult();

        public override async Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            _firstWrite.TrySetResult();
            await _released.Task.ConfigureAwait(false);
            await base.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }
}
