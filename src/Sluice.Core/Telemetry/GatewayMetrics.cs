using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sluice.Forwarding;
using Sluice.Translation;

namespace Sluice.Telemetry;

/// <summary>
/// Request metrics with the OpenTelemetry GenAI names Envoy AI Gateway exports. Token usage metrics arrive with
/// usage accounting; this records what every request has: its duration and outcome.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Sluice";

    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly Histogram<double> _requestDuration;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requestDuration = meter.CreateHistogram(
            "gen_ai.server.request.duration",
            unit: "s",
            description: "Time from the request's arrival to the end of its response",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public void RecordRequest(ForwardingContext forwarding, ForwardingOutcome outcome, int statusCode, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", forwarding.Endpoint.OperationName() },
            { "gen_ai.provider.name", forwarding.BackendRef.Backend.Translator.ProviderName },
            { "gen_ai.original.model", forwarding.RequestModel },
            { "gen_ai.request.model", forwarding.UpstreamModel },
        };
        if (outcome != ForwardingOutcome.Completed)
        {
            tags.Add("error.type", statusCode >= 400 ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome.ToString());
        }

        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }
}
