using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.ClientAuth;
using Sluice.Json;
using Sluice.Management;
using Sluice.Model;
using Sluice.RateLimiting;
using Sluice.Routing;
using Sluice.Telemetry;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Forwarding;

/// <summary>The data plane's entry point: endpoint dispatch, body reading, routing, then the upstream forwarder.</summary>
internal sealed partial class GatewayRequestHandler(ConfigManager configs, UpstreamForwarder forwarder, RateLimiter rateLimiter, GatewayMetrics metrics, AccessLog accessLog, HeaderAttributeMapping headerAttributes, ILogger<GatewayRequestHandler> logger, TimeProvider time)
{
    public Task HandleAsync(HttpContext context)
    {
        var snapshot = configs.Current;
        if (snapshot is null)
        {
            return ErrorResponse.WriteAsync(context.Response, GatewayError.NotReady, "the gateway has no valid configuration yet");
        }

        EndpointKind endpoint;
        switch (context.Request.Path.Value)
        {
            case "/v1/chat/completions":
                endpoint = EndpointKind.ChatCompletions;
                break;
            case "/v1/completions":
                endpoint = EndpointKind.Completions;
                break;
            case "/v1/embeddings":
                endpoint = EndpointKind.Embeddings;
                break;
            case "/v1/responses":
                endpoint = EndpointKind.Responses;
                break;
            case "/v1/models":
                return HttpMethods.IsGet(context.Request.Method)
                    ? (snapshot.ClientAccess.IsEmpty ? WriteModelsAsync(context.Response, snapshot) : ClientAccessGate.WriteModelsAsync(context, snapshot.ClientAccess))
                    : ErrorResponse.WriteAsync(context.Response, GatewayError.MethodNotAllowed, "use GET /v1/models");
            default:
                return ErrorResponse.WriteAsync(context.Response, GatewayError.EndpointNotFound, $"unknown endpoint: {context.Request.Method} {context.Request.Path}. Sluice serves POST /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses and GET /v1/models");
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return ErrorResponse.WriteAsync(context.Response, GatewayError.MethodNotAllowed, $"use POST {context.Request.Path}");
        }

        return ProxyAsync(context, snapshot, endpoint);
    }

    private static Task WriteModelsAsync(HttpResponse response, GatewaySnapshot snapshot)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength = snapshot.ModelsResponse.Length;
        return response.Body.WriteAsync(snapshot.ModelsResponse).AsTask();
    }

    private async Task ProxyAsync(HttpContext context, GatewaySnapshot snapshot, EndpointKind endpoint)
    {
        var started = time.GetTimestamp();
        var access = await ClientAccessGate.BeforeRoutingAsync(context, snapshot.ClientAccess).ConfigureAwait(false);
        if (!access.Allowed)
        {
            await ClientAccessGate.DenyAsync(context.Response, access).ConfigureAwait(false);
            Rejected(context, endpoint, started, "ClientDenied", null, null);
            return;
        }

        var (status, body) = await RequestBodyReader.ReadAsync(context.Request, snapshot.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (status == BodyReadStatus.TooLarge)
        {
            await ErrorResponse.WriteAsync(context.Response, GatewayError.RequestTooLarge, $"the request body is larger than the gateway's limit of {snapshot.MaxRequestBodyBytes} bytes (ClientTrafficPolicy connection.bufferLimit)").ConfigureAwait(false);
            Rejected(context, endpoint, started, "RequestTooLarge", null, null);
            return;
        }

        if (body is null)
        {
            return; // the client went away while sending
        }

        using (body)
        {
            var fieldsError = RequestFieldsReader.TryRead(body.WrittenSpan, out var fields);
            if (fieldsError != RequestFieldsError.None)
            {
                var (message, param) = fieldsError switch
                {
                    RequestFieldsError.MissingModel => ("you must provide a model parameter", "model"),
                    RequestFieldsError.ModelNotAString => ("the model parameter must be a string", "model"),
                    RequestFieldsError.ModelNotUnicode => (JsonStrings.NotUnicode("model"), "model"),
                    RequestFieldsError.NotAnObject => ("the request body must be a JSON object", (string?)null),
                    _ => (RequestFieldsReader.DescribeMalformed(body.WrittenSpan), null),
                };
                await ErrorResponse.WriteAsync(context.Response, GatewayError.MalformedRequest, message, param).ConfigureAwait(false);
                Rejected(context, endpoint, started, "MalformedRequest", null, null);
                return;
            }

            var rule = snapshot.Routes.Match(fields.Model, context.Request.Headers, context.Request.Host.Value);
            access = await ClientAccessGate.AfterRoutingAsync(context, snapshot.ClientAccess, access, rule, fields.Model).ConfigureAwait(false);
            if (!access.Allowed)
            {
                await ClientAccessGate.DenyAsync(context.Response, access).ConfigureAwait(false);
                Rejected(context, endpoint, started, "ClientDenied", fields.Model, rule?.RouteName);
                return;
            }

            if (rule is null)
            {
                await ErrorResponse.WriteAsync(context.Response, GatewayError.ModelNotFound, $"the model '{fields.Model}' does not exist on this gateway: no AIGatewayRoute rule matches it. GET /v1/models lists the models served.", "model").ConfigureAwait(false);
                Rejected(context, endpoint, started, "ModelNotFound", fields.Model, null);
                return;
            }

            RateLimitTicket? ticket = null;
            if (rule.RateLimit is { } rateLimit)
            {
                var admission = await rateLimiter.AdmitAsync(rateLimit, rule.Costs, context.Request.Headers, fields.Model, body.WrittenMemory).ConfigureAwait(false);
                if (admission.Decision != RateLimitDecision.Admitted)
                {
                    await RateLimitResponse.WriteAsync(context.Response, admission).ConfigureAwait(false);
                    Rejected(context, endpoint, started, ForwardingOutcome.RateLimited.ToString(), fields.Model, rule.RouteName);
                    return;
                }

                ticket = admission.Ticket;
            }

            // Sluice asks for streamed usage on the client's behalf, and then holds the usage-only chunk back.
            var injectsUsage = fields.Stream && endpoint is EndpointKind.ChatCompletions or EndpointKind.Completions
                && fields.StreamOptions != StreamOptionsState.IncludesUsage;
            using var usage = new UsageTracker(time, started, injectsUsage);
            using var span = GatewayTracing.Start(endpoint, fields.Model);
            var outcome = ForwardingOutcome.ClientAborted;
            ForwardingContext? forwarding = null;
            long[] costs = [];
            try
            {
                (outcome, forwarding) = await forwarder.ForwardAsync(context, endpoint, fields, rule, body, usage).ConfigureAwait(false);
                if (forwarding is not null && outcome is ForwardingOutcome.ClientAborted or ForwardingOutcome.StreamInterrupted or ForwardingOutcome.Timeout)
                {
                    usage.EstimateIfMissing(body.WrittenSpan);
                }

                if (usage.Usage is { } tokens)
                {
                    costs = rule.Costs.Compute(tokens, fields.Model, forwarding?.BackendRef.Backend.DottedName ?? "", out var costFailure);
                    if (costFailure is not null)
                    {
                        LogCostFailed(rule.RouteName, costFailure);
                    }
                }
            }
            finally
            {
                // The response has ended (completed, failed, or the client left): charge what it cost.
                if (ticket is not null)
                {
                    await rateLimiter.CompleteAsync(ticket, costs).ConfigureAwait(false);
                }
            }

            if (forwarding is not null)
            {
                var elapsed = time.GetElapsedTime(started);
                metrics.RecordRequest(forwarding, outcome, context.Response.StatusCode, elapsed, usage, context.Request.Headers);
                accessLog.Write(context, forwarding, outcome, elapsed, usage, costs);
                GatewayTracing.Complete(span, forwarding, outcome, context.Response.StatusCode, usage, headerAttributes, context.Request.Headers);
            }

            LogRequest(context.Request.Path.Value!, fields.Model, forwarding?.BackendRef.Backend.Name ?? "-", context.Response.StatusCode, outcome);
        }
    }

    /// <summary>Logs and measures a request Sluice answered itself before any backend was tried.</summary>
    private void Rejected(HttpContext context, EndpointKind endpoint, long started, string outcome, string? model, string? route)
    {
        var elapsed = time.GetElapsedTime(started);
        metrics.RecordRejected(endpoint, model, context.Response.StatusCode, elapsed, context.Request.Headers);
        accessLog.WriteRejected(context, outcome, elapsed, model, route);
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "A CEL request cost of {Route} could not be computed, so it is not charged and the access log shows null: {Failure}")]
    private partial void LogCostFailed(string route, string failure);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "{Path} model={Model} backend={Backend} status={Status} outcome={Outcome}")]
    private partial void LogRequest(string path, string model, string backend, int status, ForwardingOutcome outcome);
}
