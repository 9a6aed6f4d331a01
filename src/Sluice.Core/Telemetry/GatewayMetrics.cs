using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Telemetry;

/// <summary>
/// Request and token metrics with the OpenTelemetry GenAI names Envoy AI Gateway exports:
/// gen_ai.server.request.duration, gen_ai.client.token.usage (by gen_ai.token.type),
/// gen_ai.server.time_to_first_token and gen_ai.server.time_per_output_token (streams).
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Sluice";

    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] TimePerTokenBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];

    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _timePerOutputToken;

    private readonly HeaderAttributeMapping _headerAttributes;

    public GatewayMetrics(IMeterFactory meterFactory, HeaderAttributeMapping headerAttributes)
    {
        _headerAttributes = headerAttributes;
        var meter = meterFactory.Create(MeterName);
        _requestDuration = meter.CreateHistogram(
            "gen_ai.server.request.duration", unit: "s", description: "Time from the request's arrival to the end of its response",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _tokenUsage = meter.CreateHistogram(
            "gen_ai.client.token.usage", unit: "{token}", description: "Tokens used, by gen_ai.token.type, from the provider's own usage numbers",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _timeToFirstToken = meter.CreateHistogram(
            "gen_ai.server.time_to_first_token", unit: "s", description: "Time from the request's arrival to the first streamed event sent to the client",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _timePerOutputToken = meter.CreateHistogram(
            "gen_ai.server.time_per_output_token", unit: "s", description: "Streaming time after the first event, per further output token",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = TimePerTokenBuckets });
    }

    /// <summary>A request Sluice answered itself before any backend: its duration, with error.type = the status.</summary>
    public void RecordRejected(EndpointKind endpoint, string? model, int statusCode, TimeSpan elapsed, IHeaderDictionary requestHeaders)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", endpoint.OperationName() },
            { "error.type", statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (model is not null)
        {
            tags.Add("gen_ai.original.model", model);
        }

        foreach (var (attribute, value) in HeaderAttributeMapping.Values(_headerAttributes.Metrics, requestHeaders))
        {
            tags.Add(attribute, value);
        }

        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void RecordRequest(ForwardingContext forwarding, ForwardingOutcome outcome, int statusCode, TimeSpan elapsed, UsageTracker usage, IHeaderDictionary requestHeaders)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", forwarding.Endpoint.OperationName() },
            { "gen_ai.provider.name", forwarding.BackendRef.Backend.Translator.ProviderName },
            { "gen_ai.original.model", forwarding.RequestModel },
            { "gen_ai.request.model", forwarding.UpstreamModel },
            { "gen_ai.response.model", usage.ResponseModel ?? forwarding.UpstreamModel },
        };
        if (outcome != ForwardingOutcome.Completed)
        {
            tags.Add("error.type", statusCode >= 400 ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome.ToString());
        }

        if (_headerAttributes.Metrics.Count > 0)
        {
            foreach (var (attribute, value) in HeaderAttributeMapping.Values(_headerAttributes.Metrics, requestHeaders))
            {
                tags.Add(attribute, value);
            }
        }

        _requestDuration.Record(elapsed.TotalSeconds, tags);
        if (usage.Usage is { } tokens)
        {
            RecordTokens(tags, "input", tokens.Input);
            RecordTokens(tags, "output", tokens.Output);
            RecordTokens(tags, "cached_input", tokens.CachedInput);
            RecordTokens(tags, "cache_creation_input", tokens.CacheCreationInput);
            RecordTokens(tags, "reasoning", tokens.Reasoning);
        }

        if (forwarding.Stream && usage.TimeToFirstToken is { } ttft)
        {
            _timeToFirstToken.Record(ttft.TotalSeconds, tags);
            if (usage.Usage is { Output: > 1 } streamed)
            {
                _timePerOutputToken.Record((elapsed - ttft).TotalSeconds / (streamed.Output - 1), tags);
            }
        }
    }

    private void RecordTokens(TagList tags, string type, long count)
    {
        if (count <= 0 && type is not ("input" or "output"))
        {
            return;
        }

        tags.Add("gen_ai.token.type", type);
        _tokenUsage.Record(count, tags);
    }
}
