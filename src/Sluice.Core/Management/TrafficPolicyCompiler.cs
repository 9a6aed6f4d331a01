using Sluice.Configuration.Resources;
using Sluice.Model;

namespace Sluice.Management;

/// <summary>
/// Finds the BackendTrafficPolicy of each AIGatewayRoute (targeted as the HTTPRoute of the same name, as Envoy AI
/// Gateway generates it, or as the AIGatewayRoute) and compiles its retry and passive-health settings; a policy on
/// the Gateway applies to routes without their own. Rate limits are compiled by <see cref="RateLimitCompiler"/>.
/// </summary>
internal sealed class TrafficPolicyCompiler
{
    private readonly Dictionary<(string Namespace, string Route), BackendTrafficPolicyConfig> _byRoute = [];
    private readonly Dictionary<string, BackendTrafficPolicyConfig> _byGatewayNamespace = new(StringComparer.Ordinal);

    public TrafficPolicyCompiler(ConfigSet set)
    {
        foreach (var policy in set.OfType<BackendTrafficPolicyConfig>())
        {
            foreach (var target in policy.TargetRefs)
            {
                if (target.Kind is "HTTPRoute" or "AIGatewayRoute")
                {
                    _byRoute[(policy.Meta.Namespace, target.Name)] = policy;
                }
                else if (target.Kind == "Gateway")
                {
                    _byGatewayNamespace[policy.Meta.Namespace] = policy;
                }
            }
        }
    }

    public (RetryPolicyModel Retry, PassiveHealthModel Health) For(ResourceMeta route)
    {
        if (PolicyOf(route) is not { } policy)
        {
            return (RetryPolicyModel.None, PassiveHealthModel.Default);
        }

        return (Retry(policy.Retry), Health(policy.PassiveHealth));
    }

    /// <summary>The route's own policy, else its Gateway's (no merging, as in Envoy Gateway).</summary>
    public BackendTrafficPolicyConfig? PolicyOf(ResourceMeta route) =>
        _byRoute.TryGetValue((route.Namespace, route.Name), out var policy) || _byGatewayNamespace.TryGetValue(route.Namespace, out policy)
            ? policy
            : null;

    private static RetryPolicyModel Retry(RetryConfig? config)
    {
        if (config is null)
        {
            return RetryPolicyModel.None;
        }

        var triggers = RetryTriggers.None;
        foreach (var trigger in config.Triggers)
        {
            triggers |= trigger switch
            {
                "connect-failure" => RetryTriggers.ConnectFailure,
                "reset" or "reset-before-request" or "refused-stream" => RetryTriggers.Reset,
                "retriable-status-codes" => RetryTriggers.RetriableStatusCodes,
                "5xx" => RetryTriggers.ServerErrors,
                "gateway-error" => RetryTriggers.GatewayErrors,
                "retriable-4xx" => RetryTriggers.Retriable4xx,
                _ => RetryTriggers.None,
            };
        }

        var baseInterval = config.BackOffBase ?? TimeSpan.FromMilliseconds(25);
        return new RetryPolicyModel(
            config.NumRetries,
            config.NumAttemptsPerPriority,
            triggers,
            config.HttpStatusCodes.ToHashSet(),
            config.PerRetryTimeout,
            baseInterval,
            config.BackOffMax ?? baseInterval * 10);
    }

    private static PassiveHealthModel Health(PassiveHealthConfig? config) => config is null
        ? PassiveHealthModel.Default
        : new PassiveHealthModel(
            config.ConsecutiveErrors ?? PassiveHealthModel.Default.ConsecutiveFailures,
            config.BaseEjectionTime ?? PassiveHealthModel.Default.BaseEjection,
            PassiveHealthModel.Default.MaxEjection);
}
