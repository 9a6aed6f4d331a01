using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Telemetry;

/// <summary>
/// One JSON line per forwarded request: time, route, backend, models (original, request, response), status,
/// duration, time to first token, token counts and llmRequestCosts. Never bodies or credentials. Lines are rendered on the request
/// path (small, with a JSON writer reused per thread) and written by a background task in batches: it lets lines
/// gather for <see cref="BatchWindow"/>, then writes and flushes them at once, so a busy gateway makes a few writes a
/// second instead of one system call (and one thread wake-up) per request, and a slow stdout never delays a response.
/// </summary>
internal sealed class AccessLog : IAsyncDisposable
{
    /// <summary>How long a line may wait for others before it is written (Envoy's access log flushes every second).</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    private const int MaxBatchChars = 256 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static LineWriter? t_lineWriter;

    private readonly Channel<string>? _lines;
    private readonly Task _writer = Task.CompletedTask;
    private readonly TimeProvider _time;

    private readonly HeaderAttributeMapping _headerAttributes;

    /// <param name="output">Where lines go; null turns the log off.</param>
    public AccessLog(TextWriter? output, TimeProvider time, HeaderAttributeMapping? headerAttributes = null)
    {
        _time = time;
        _headerAttributes = headerAttributes ?? HeaderAttributeMapping.None;
        if (output is null)
        {
            return;
        }

        _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _writer = WriteLinesAsync(_lines.Reader, output);
    }

    /// <param name="costs">The route's llmRequestCosts for this request, in <c>forwarding.Rule.Costs</c> key order (empty: none or no usage).</param>
    public void Write(HttpContext context, ForwardingContext forwarding, ForwardingOutcome outcome, TimeSpan duration, UsageTracker usage, long[]? costs = null)
    {
        if (_lines is null)
        {
            return;
        }

        var json = Begin(context, duration);
        json.WriteString("route", forwarding.Rule.RouteName);
        json.WriteString("rule", forwarding.Rule.RuleName);
        json.WriteString("backend", forwarding.BackendRef.Backend.Name);
        json.WriteString("gen_ai.provider.name", forwarding.BackendRef.Backend.Translator.ProviderName);
        json.WriteString("gen_ai.operation.name", forwarding.Endpoint.OperationName());
        json.WriteString("gen_ai.original.model", forwarding.RequestModel);
        json.WriteString("gen_ai.request.model", forwarding.UpstreamModel);
        json.WriteString("gen_ai.response.model", usage.ResponseModel);
        json.WriteBoolean("stream", forwarding.Stream);
        json.WriteNumber("attempts", forwarding.Attempt);
        json.WriteNumber("status", context.Response.StatusCode);
        json.WriteString("outcome", outcome.ToString());
        json.WriteNumber("duration_ms", Math.Round(duration.TotalMilliseconds, 3));
        if (usage.TimeToFirstToken is { } ttft)
        {
            json.WriteNumber("time_to_first_token_ms", Math.Round(ttft.TotalMilliseconds, 3));
        }

        if (usage.Usage is { } tokens)
        {
            json.WriteNumber("gen_ai.usage.input_tokens", tokens.Input);
            json.WriteNumber("gen_ai.usage.cached_input_tokens", tokens.CachedInput);
            json.WriteNumber("gen_ai.usage.cache_creation_input_tokens", tokens.CacheCreationInput);
            json.WriteNumber("gen_ai.usage.output_tokens", tokens.Output);
            json.WriteNumber("gen_ai.usage.reasoning_tokens", tokens.Reasoning);
            json.WriteNumber("gen_ai.usage.total_tokens", tokens.Total);
            if (tokens.Estimated)
            {
                json.WriteBoolean("gen_ai.usage.estimated", true);
            }
        }

        if (costs is { Length: > 0 })
        {
            var keys = forwarding.Rule.Costs.Keys;
            json.WriteStartObject("costs");
            for (var i = 0; i < costs.Length; i++)
            {
                json.WriteNumber(keys[i], costs[i]);
            }

            json.WriteEndObject();
        }

        _lines.Writer.TryWrite(End(json, context));
    }

    /// <summary>A request answered by Sluice itself before any backend was tried (denied, malformed, unknown model, too large).</summary>
    public void WriteRejected(HttpContext context, string outcome, TimeSpan duration, string? model, string? route)
    {
        if (_lines is null)
        {
            return;
        }

        var json = Begin(context, duration);
        if (route is not null)
        {
            json.WriteString("route", route);
        }

        if (model is not null)
        {
            json.WriteString("gen_ai.original.model", model);
        }

        json.WriteNumber("status", context.Response.StatusCode);
        json.WriteString("outcome", outcome);
        json.WriteNumber("duration_ms", Math.Round(duration.TotalMilliseconds, 3));
        _lines.Writer.TryWrite(End(json, context));
    }

    /// <summary>Opens a line with what every line has: when the request arrived, its method and path.</summary>
    private Utf8JsonWriter Begin(HttpContext context, TimeSpan duration)
    {
        var json = (t_lineWriter ??= new LineWriter()).Start();
        json.WriteStartObject();
        json.WriteString("time", _time.GetUtcNow() - duration);
        json.WriteString("method", context.Request.Method);
        json.WriteString("path", context.Request.Path.Value);
        return json;
    }

    /// <summary>Closes a line with the request id and the configured header attributes, and returns it.</summary>
    private string End(Utf8JsonWriter json, HttpContext context)
    {
        if (context.Request.Headers.TryGetValue("x-request-id", out var requestId))
        {
            json.WriteString("x-request-id", requestId.ToString());
        }

        foreach (var (attribute, value) in HeaderAttributeMapping.Values(_headerAttributes.Logs, context.Request.Headers))
        {
            json.WriteString(attribute, value);
        }

        json.WriteEndObject();
        json.Flush();
        return t_lineWriter!.ToLine();
    }

    public async ValueTask DisposeAsync()
    {
        _lines?.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private static async Task WriteLinesAsync(ChannelReader<string> lines, TextWriter output)
    {
        var batch = new StringBuilder();
        while (await lines.WaitToReadAsync().ConfigureAwait(false))
        {
            await Task.Delay(BatchWindow).ConfigureAwait(false);
            while (lines.TryRead(out var line))
            {
                batch.Append(line).Append('\n');
                if (batch.Length >= MaxBatchChars)
                {
                    await output.WriteAsync(batch).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            await output.WriteAsync(batch).ConfigureAwait(false);
            batch.Clear();
            await output.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One thread's JSON writer and buffer, reset for every line (a line is rendered without awaiting).</summary>
    private sealed class LineWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json;

        public LineWriter() => _json = new Utf8JsonWriter(_buffer, WriterOptions);

        public Utf8JsonWriter Start()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            return _json;
        }

        public string ToLine() => Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}
