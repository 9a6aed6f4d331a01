using System.Globalization;
using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class AIGatewayRouteParser
{
    public static AIGatewayRouteConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var hostnames = spec.Strings("hostnames");
        spec.Items("parentRefs");
        spec.Items("targetRefs"); // v1alpha1 predecessor of parentRefs
        if (spec.Mapping("schema") is { } schema && schema.String("name") is { } name && name != "OpenAI")
        {
            schema.Error($"'{name}': the client-facing schema must be OpenAI");
        }

        var rules = new List<RouteRuleConfig>();
        foreach (var rule in spec.Items("rules"))
        {
            rules.Add(ParseRule(rule));
        }

        if (rules.Count == 0)
        {
            spec.Diagnostics.Error(spec.LocationOf("rules"), "at least one rule is required");
        }

        var costs = LlmRequestCostParser.Parse(spec, "llmRequestCosts", defaultType: null);
        spec.WarnUnread();
        return new AIGatewayRouteConfig(meta, hostnames, rules, costs);
    }

    private static RouteRuleConfig ParseRule(ConfigNode rule)
    {
        var name = rule.String("name");
        var matches = new List<RouteMatchConfig>();
        foreach (var match in rule.Items("matches"))
        {
            var headers = new List<HeaderMatchConfig>();
            foreach (var header in match.Items("headers"))
            {
                var headerName = header.String("name", required: true);
                var typeText = header.String("type") ?? "Exact";
                var value = header.String("value", required: true);
                header.WarnUnread();
                HeaderMatchType type;
                if (typeText == "Exact")
                {
                    type = HeaderMatchType.Exact;
                }
                else if (typeText == "RegularExpression")
                {
                    type = HeaderMatchType.RegularExpression;
                }
                else
                {
                    header.Diagnostics.Error(header.LocationOf("type"), $"'{typeText}' must be Exact or RegularExpression");
                    continue;
                }

                if (headerName is not null && value is not null)
                {
                    headers.Add(new HeaderMatchConfig(headerName, type, value, header.Location));
                }
            }

            match.WarnUnread();
            matches.Add(new RouteMatchConfig(headers, match.Location));
        }

        var backendRefs = new List<RouteBackendRefConfig>();
        foreach (var backendRef in rule.Items("backendRefs"))
        {
            var backendName = backendRef.String("name", required: true);
            var reference = new Resources.ObjectRef(
                backendName ?? string.Empty,
                backendRef.String("namespace"),
                backendRef.String("kind"),
                backendRef.String("group"),
                backendRef.LocationOf("name"));
            var weight = backendRef.Int("weight", min: 0, max: 1_000_000) ?? 1;
            var priority = backendRef.Int("priority", min: 0) ?? 0;
            var modelNameOverride = backendRef.String("modelNameOverride");
            var headerMutation = CommonParsers.HeaderMutation(backendRef);
            var bodyMutation = CommonParsers.BodyMutation(backendRef);
            backendRef.WarnUnread();
            if (backendName is not null)
            {
                backendRefs.Add(new RouteBackendRefConfig(reference, weight, priority, modelNameOverride, headerMutation, bodyMutation));
            }
        }

        if (backendRefs.Count == 0)
        {
            rule.Diagnostics.Error(rule.LocationOf("backendRefs"), "at least one backendRef is required");
        }

        TimeSpan? request = null;
        TimeSpan? backendRequest = null;
        if (rule.Mapping("timeouts") is { } timeouts)
        {
            request = timeouts.Duration("request");
            backendRequest = timeouts.Duration("backendRequest");
            timeouts.WarnUnread();
        }

        var streamIdle = rule.Duration("streamIdleTimeout");
        var ownedBy = rule.String("modelsOwnedBy");
        DateTimeOffset? createdAt = null;
        if (rule.String("modelsCreatedAt") is { } createdText)
        {
            if (DateTimeOffset.TryParse(createdText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                createdAt = parsed;
            }
            else
            {
                rule.Diagnostics.Error(rule.LocationOf("modelsCreatedAt"), $"'{createdText}' is not an RFC 3339 timestamp");
            }
        }

        rule.WarnUnread();
        return new RouteRuleConfig(name, matches, backendRefs, request, backendRequest, streamIdle, ownedBy, createdAt, rule.Location);
    }
}
