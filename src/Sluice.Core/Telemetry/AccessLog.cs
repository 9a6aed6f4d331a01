using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;
using Sluice.Model;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Telemetry;

/// <summary>
/// One JSON line per forwarded request: time, route, backend, models (original, request, response), status,
/// duration, time to first token, token counts and llmRequestCosts. Never bodies or credentials. A line is rendered
/// on the request path with a JSON writer reused per thread and decoded straight into a shared batch buffer (no
/// string, no queue item per line); a background task lets lines gather for <see cref="BatchWindow"/>, then takes
/// the whole batch and writes and flushes it at once. A busy gateway so makes a few writes a second instead of one
/// system call (and one thread wake-up) per request, and a slow stdout never delays a response: when a batch reaches
/// <see cref="MaxBatchChars"/> before it is written, further lines are dropped and counted in the next batch.
/// </summary>
internal sealed class AccessLog : IAsyncDisposable
{
    /// <summary>How long a line may wait for others before it is written (Envoy's access log flushes every second).</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>The most a batch holds (about 10,000 lines) while the output is slow.</summary>
    internal const int MaxBatchChars = 4 * 1024 * 1024;

    private const int InitialBatchChars = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static LineWriter? t_lineWriter;

    private readonly TextWriter? _output;
    private readonly Task _writer = Task.CompletedTask;
    private readonly TimeProvider _time;
    private readonly HeaderAttributeMapping _headerAttributes;

    // The batch lines are appended to, under _gate; the writer swaps it with _spare when it takes a batch.
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _batchStarted = new(0);
    private char[] _batch = [];
    private int _batchLength;
    private long _dropped;
    private bool _closed;
    private char[] _spare = [];

    /// <param name="output">Where lines go; null turns the log off.</param>
    public AccessLog(TextWriter? output, TimeProvider time, HeaderAttributeMapping? headerAttributes = null)
    {
        _time = time;
        _headerAttributes = headerAttributes ?? HeaderAttributeMapping.None;
        _output = output;
        if (output is not null)
        {
            _writer = WriteBatchesAsync(output);
        }
    }

    /// <param name="costs">The route's llmRequestCosts for this request, in <c>forwarding.Rule.Costs</c> key order (empty: none or no usage).</param>
    public void Write(HttpContext context, ForwardingContext forwarding, ForwardingOutcome outcome, TimeSpan duration, UsageTracker usage, long[]? costs = null)
    {
        if (_output is null)
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
                if (costs[i] == RequestCostsModel.Failed)
                {
                    json.WriteNull(keys[i]); // a CEL cost that failed for this request (logged as a warning)
                }
                else
                {
                    json.WriteNumber(keys[i], costs[i]);
                }
            }

            json.WriteEndObject();
        }

        Append(End(json, context));
    }

    /// <summary>A request answered by Sluice itself before any backend was tried (denied, malformed, unknown model, too large).</summary>
    public void WriteRejected(HttpContext context, string outcome, TimeSpan duration, string? model, string? route)
    {
        if (_output is null)
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
        Append(End(json, context));
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

    /// <summary>Closes a line with the request id and the configured header attributes, and returns its UTF-8.</summary>
    private ReadOnlySpan<byte> End(Utf8JsonWriter json, HttpContext context)
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
        return t_lineWriter!.Line;
    }

    /// <summary>Decodes a line into the current batch; the first line of a batch wakes the writer.</summary>
    private void Append(ReadOnlySpan<byte> line)
    {
        // UTF-8 never has fewer bytes than the UTF-16 chars it decodes to, so line.Length + 1 chars always suffice.
        var needed = line.Length + 1;
        bool first;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_batch.Length - _batchLength < needed && !Grow(needed))
            {
                _dropped++;
                return;
            }

            var written = Encoding.UTF8.GetChars(line, _batch.AsSpan(_batchLength));
            _batch[_batchLength + written] = '\n';
            first = _batchLength == 0;
            _batchLength += written + 1;
        }

        if (first)
        {
            _batchStarted.Release();
        }
    }

    /// <summary>Makes room for <paramref name="needed"/> more chars, unless the batch would pass its cap.</summary>
    private bool Grow(int needed)
    {
        var size = Math.Max(InitialBatchChars, _batch.Length);
        while (size - _batchLength < needed && size < MaxBatchChars)
        {
            size *= 2;
        }

        size = Math.Min(size, MaxBatchChars);
        if (size - _batchLength < needed)
        {
            return false;
        }

        Array.Resize(ref _batch, size);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_output is null)
        {
            return;
        }

        lock (_gate)
        {
            _closed = true;
        }

        _batchStarted.Release();
        await _writer.ConfigureAwait(false);
        _batchStarted.Dispose();
    }

    private async Task WriteBatchesAsync(TextWriter output)
    {
        while (true)
        {
            await _batchStarted.WaitAsync().ConfigureAwait(false);
            await Task.Delay(BatchWindow).ConfigureAwait(false);
            char[] batch;
            int length;
            long dropped;
            bool closed;
            lock (_gate)
            {
                (batch, length, dropped, closed) = (_batch, _batchLength, _dropped, _closed);
                (_batch, _batchLength, _dropped) = (_spare, 0, 0);
            }

            if (length > 0)
            {
                await output.WriteAsync(batch.AsMemory(0, length)).ConfigureAwait(false);
            }

            if (dropped > 0)
            {
                await output.WriteLineAsync($"{{\"sluice.access_log.dropped_lines\":{dropped}}}").ConfigureAwait(false);
            }

            await output.FlushAsync().ConfigureAwait(false);
            _spare = batch;
            if (closed)
            {
                return;
            }
        }
    }

    /// <summary>One thread's JSON writer and buffer, reset for every line (a line is rendered without awaiting).</summary>
    private sealed class LineWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json;

        public LineWriter() => _json = new Utf8JsonWriter(_buffer, WriterOptions);

        public ReadOnlySpan<byte> Line => _buffer.WrittenSpan;

        public Utf8JsonWriter Start()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            return _json;
        }
    }
}
