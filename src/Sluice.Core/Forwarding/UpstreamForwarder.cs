using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.Model;
using Sluice.Routing;
using Sluice.Translation;
using Sluice.Usage;

namespace Sluice.Forwarding;

/// <summary>
/// Forwards one request: tries backends in the order the rule and its retry policy allow (each attempt
/// re-translated and re-authenticated for its backend), records passive health, and commits exactly one answer
/// to the client. Nothing is retried once a byte has reached the client.
/// </summary>
internal sealed partial class UpstreamForwarder(BackendHealthRegistry health, TimeProvider time, ILogger<UpstreamForwarder> logger)
{
    public async Task<(ForwardingOutcome Outcome, ForwardingContext? Last)> ForwardAsync(HttpContext context, EndpointKind endpoint, RequestFields fields, RouteRuleModel rule, PooledBufferWriter body, UsageTracker usage)
    {
        var planner = new AttemptPlanner(rule, health, time.GetUtcNow());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(rule.RequestTimeout);
        ForwardingContext? last = null;
        for (var attempt = 1; ; attempt++)
        {
            var backendRef = planner.Next();
            if (backendRef is null)
            {
                await ErrorResponse.WriteAsync(context.Response, GatewayError.UpstreamUnreachable, $"rule {rule} has no backendRef with a weight above 0", null, statusOverride: 503).ConfigureAwait(false);
                return (ForwardingOutcome.NoBackend, last);
            }

            last = new ForwardingContext(endpoint, fields.Model, fields.Stream, rule, backendRef, attempt, usage.DropsUsageOnlyChunk);
            using var result = await UpstreamAttempt.SendAsync(context, last, body, deadline.Token).ConfigureAwait(false);
            var backendHealth = health.For(backendRef.Backend.Name);
            if (result.Accepted)
            {
                backendHealth.RecordSuccess();
                var outcome = await ResponseCopier.CopyAsync(context, result, deadline, logger, usage).ConfigureAwait(false);
                return (outcome == ForwardingOutcome.Completed && UpstreamAttempt.EndedEarly(result) ? ForwardingOutcome.StreamInterrupted : outcome, last);
            }

            if (result.Failure == AttemptFailure.ClientAborted)
            {
                return (ForwardingOutcome.ClientAborted, last);
            }

            if (result.Failure == AttemptFailure.Untranslatable)
            {
                // The client's request, not the backend, is at fault: no retry, no health penalty.
                await ErrorResponse.WriteAsync(context.Response, result.Error, result.Message!, result.Param).ConfigureAwait(false);
                return (ForwardingOutcome.Untranslatable, last);
            }

            var status = result.Response is null ? 0 : (int)result.Response.StatusCode;
            RecordFailure(backendHealth, rule, result, status);
            var retriable = result.Failure == AttemptFailure.Status
                ? rule.Retry.RetriesStatus(status)
                : rule.Retry.RetriesTransportFailure(result.Failure is AttemptFailure.ConnectFailure or AttemptFailure.Auth);
            if (!retriable || attempt > rule.Retry.NumRetries || deadline.IsCancellationRequested)
            {
                return (await CommitFailureAsync(context, result, deadline).ConfigureAwait(false), last);
            }

            var backOff = rule.Retry.BackOff(attempt);
            LogRetrying(backendRef.Backend.Name, result.Message ?? $"HTTP {status}", attempt, backOff.TotalMilliseconds);
            try
            {
                await Task.Delay(backOff, time, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (await CommitFailureAsync(context, result, deadline).ConfigureAwait(false), last);
            }
        }
    }

    private void RecordFailure(BackendHealth backendHealth, RouteRuleModel rule, AttemptResult result, int status)
    {
        var now = time.GetUtcNow();
        if (status == 429 && RetryAfter(result.Response!, now) is { } until)
        {
            backendHealth.EjectUntil(until);
            LogPaused(result.Forwarding.BackendRef.Backend.Name, until);
            return;
        }

        if (result.Failure != AttemptFailure.Status || status >= 500)
        {
            if (backendHealth.RecordFailure(rule.Health, now) is { } ejectedUntil)
            {
                LogEjected(result.Forwarding.BackendRef.Backend.Name, rule.Health.ConsecutiveFailures, ejectedUntil);
            }
        }
    }

    private async Task<ForwardingOutcome> CommitFailureAsync(HttpContext context, AttemptResult result, CancellationTokenSource deadline)
    {
        if (result.Failure == AttemptFailure.Status)
        {
            return await ResponseCopier.CopyAsync(context, result, deadline, logger).ConfigureAwait(false);
        }

        var backend = result.Forwarding.BackendRef.Backend.Name;
        if (result.Failure == AttemptFailure.Timeout)
        {
            LogUpstreamTimeout(backend, result.Message!);
        }
        else
        {
            LogUpstreamUnreachable(backend, result.Message!);
        }

        await ErrorResponse.WriteAsync(context.Response, result.Error, result.Message!, null, result.StatusOverride).ConfigureAwait(false);
        return result.Failure switch
        {
            AttemptFailure.Timeout => ForwardingOutcome.Timeout,
            AttemptFailure.Auth => ForwardingOutcome.AuthFailed,
            _ => ForwardingOutcome.Unreachable,
        };
    }

    private static DateTimeOffset? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return now + delta;
        }

        return retryAfter?.Date;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "backend {Backend}: {Message}")]
    private partial void LogUpstreamUnreachable(string backend, string message);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "backend {Backend}: {Message}")]
    private partial void LogUpstreamTimeout(string backend, string message);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "backend {Backend} failed ({Reason}); retry {Attempt} in {DelayMs:0}ms")]
    private partial void LogRetrying(string backend, string reason, int attempt, double delayMs);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "backend {Backend} ejected after {Failures} consecutive failures until {Until:u}")]
    private partial void LogEjected(string backend, int failures, DateTimeOffset until);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "backend {Backend} asked to pause (429 Retry-After); no traffic until {Until:u} while others can serve")]
    private partial void LogPaused(string backend, DateTimeOffset until);
}
