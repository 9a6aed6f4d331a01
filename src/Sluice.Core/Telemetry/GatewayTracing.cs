using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Sluice.Forwarding;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Telemetry;

/// <summary>
/// One span per forwarded request, named "{operation} {model}" with the GenAI semantic-convention attributes, as a
/// child of ASP.NET Core's server span (which continues the client's W3C trace context). The upstream request
/// carries this span's context. Spans exist only while something listens (OTLP export configured, or a test).
/// </summary>
internal static class GatewayTracing
{
    public const string SourceName = "Sluice";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(EndpointKind endpoint, string model) =>
        Source.HasListeners() ? Source.StartActivity($"{endpoint.OperationName()} {model}", ActivityKind.Client) : null;

    public static void Complete(Activity? activity, ForwardingContext forwarding, ForwardingOutcome outcome, int statusCode, UsageTracker usage, HeaderAttributeMapping headerAttributes, IHeaderDictionary requestHeaders)
    {
        if (activity is null)
        {
            return;
        }

        foreach (var (attribute, value) in HeaderAttributeMapping.Values(headerAttributes.Spans, requestHeaders))
        {
            activity.SetTag(attribute, value);
        }

        activity.SetTag("gen_ai.operation.name", forwarding.Endpoint.OperationName());
        activity.SetTag("gen_ai.provider.name", forwarding.BackendRef.Backend.Translator.ProviderName);
        activity.SetTag("gen_ai.original.model", forwarding.RequestModel);
        activity.SetTag("gen_ai.request.model", forwarding.UpstreamModel);
        activity.SetTag("gen_ai.response.model", usage.ResponseModel);
        activity.SetTag("sluice.route", forwarding.Rule.RouteName);
        activity.SetTag("sluice.backend", forwarding.BackendRef.Backend.Name);
        activity.SetTag("sluice.attempts", forwarding.Attempt);
        activity.SetTag("http.response.status_code", statusCode);
        if (usage.Usage is { } tokens)
        {
            activity.SetTag("gen_ai.usage.input_tokens", tokens.Input);
            activity.SetTag("gen_ai.usage.output_tokens", tokens.Output);
        }

        if (outcome != ForwardingOutcome.Completed)
        {
            activity.SetTag("error.type", statusCode >= 400 ? statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome.ToString());
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}
