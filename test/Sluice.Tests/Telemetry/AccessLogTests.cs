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
        var output = new StringWriter();
        await using var log = new AccessLog(output, TimeProvider.System);
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/v1/models";

        log.WriteRejected(context, "ClientDenied", TimeSpan.Zero, null, null);

        for (var i = 0; i < 100 && output.ToString().Length == 0; i++)
        {
            await Task.Delay(10);
        }

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("ClientDenied", JsonDocument.Parse(line).RootElement.GetProperty("outcome").GetString());
    }
}
