using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class BackendTrafficPolicyParser
{
    /// <summary>Envoy's retry_on triggers that Sluice understands.</summary>
    public static readonly HashSet<string> KnownTriggers = new(StringComparer.Ordinal)
    {
        "connect-failure", "retriable-status-codes", "reset", "reset-before-request", "refused-stream", "5xx", "gateway-error", "retriable-4xx",
    };

    public static BackendTrafficPolicyConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var targetRefs = CommonParsers.TargetRefs(spec);
        if (targetRefs.Count == 0)
        {
            spec.Diagnostics.Error(spec.LocationOf("targetRefs"), "at least one targetRef (the AIGatewayRoute's HTTPRoute, or the Gateway) is required");
        }

        foreach (var target in targetRefs)
        {
            if (target.Kind is not ("HTTPRoute" or "AIGatewayRoute" or "Gateway"))
            {
                spec.Diagnostics.Error(target.Location with { FieldPath = target.Location.FieldPath?.Replace(".name", ".kind", StringComparison.Ordinal) }, $"kind {target.Kind ?? "(none)"}: target an HTTPRoute (named as its AIGatewayRoute), an AIGatewayRoute or a Gateway");
            }
        }

        RetryConfig? retry = null;
        if (spec.Mapping("retry") is { } retryNode)
        {
            retry = ParseRetry(retryNode);
        }

        PassiveHealthConfig? passive = null;
        if (spec.Mapping("healthCheck") is { } health)
        {
            if (health.Mapping("passive") is { } passiveNode)
            {
                passive = new PassiveHealthConfig(
                    passiveNode.Int("consecutive5XxErrors", 1, 1000) ?? passiveNode.Int("consecutiveGatewayErrors", 1, 1000),
                    passiveNode.Duration("baseEjectionTime"),
                    passiveNode.Location);
                passiveNode.Child("consecutiveLocalOriginFailures");
                passiveNode.Child("interval");
                passiveNode.Child("maxEjectionPercent");
                passiveNode.WarnUnread();
            }

            if (health.Mapping("active") is not null)
            {
                health.Diagnostics.Error(health.LocationOf("active"), "active health checks are not supported yet (passive health is)");
            }

            health.WarnUnread();
        }

        RateLimitConfig? rateLimit = null;
        if (spec.Mapping("rateLimit") is { } rateLimitNode)
        {
            rateLimit = RateLimitParser.Parse(rateLimitNode);
        }

        spec.WarnUnread();
        return new BackendTrafficPolicyConfig(meta, targetRefs, retry, passive, rateLimit);
    }

    private static RetryConfig ParseRetry(ConfigNode node)
    {
        var numRetries = node.Int("numRetries", 0, 100) ?? 2;
        var perPriority = node.Int("numAttemptsPerPriority", 1, 100);
        var triggers = new List<string>();
        var statusCodes = new List<int>();
        if (node.Mapping("retryOn") is { } retryOn)
        {
            foreach (var item in retryOn.Items("triggers"))
            {
                if (item.ScalarValue is { } trigger && KnownTriggers.Contains(trigger))
                {
                    triggers.Add(trigger);
                }
                else
                {
                    item.Error($"'{item.ScalarValue}' is not a retry trigger Sluice knows ({string.Join(", ", KnownTriggers)})");
                }
            }

            foreach (var item in retryOn.Items("httpStatusCodes"))
            {
                if (int.TryParse(item.ScalarValue, out var code) && code is >= 100 and <= 599)
                {
                    statusCodes.Add(code);
                }
                else
                {
                    item.Error($"'{item.ScalarValue}' is not an HTTP status code");
                }
            }

            retryOn.WarnUnread();
        }
        else
        {
            triggers.AddRange(["connect-failure", "refused-stream", "reset"]); // Envoy Gateway's defaults
            statusCodes.AddRange([503]);
            triggers.Add("retriable-status-codes");
        }

        TimeSpan? perRetryTimeout = null;
        TimeSpan? backOffBase = null;
        TimeSpan? backOffMax = null;
        if (node.Mapping("perRetry") is { } perRetry)
        {
            perRetryTimeout = perRetry.Duration("timeout");
            if (perRetry.Mapping("backOff") is { } backOff)
            {
                backOffBase = backOff.Duration("baseInterval");
                backOffMax = backOff.Duration("maxInterval");
                backOff.WarnUnread();
            }

            perRetry.WarnUnread();
        }

        node.WarnUnread();
        return new RetryConfig(numRetries, perPriority, triggers, statusCodes, perRetryTimeout, backOffBase, backOffMax, node.Location);
    }
}
