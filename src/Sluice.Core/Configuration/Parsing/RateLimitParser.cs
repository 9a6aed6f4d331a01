using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

/// <summary>
/// BackendTrafficPolicy <c>rateLimit</c> as Envoy Gateway defines it: <c>type</c> (deprecated there, still what
/// Envoy AI Gateway's examples write), <c>global.rules[]</c> and <c>local.rules[]</c>, each with
/// <c>clientSelectors[].headers[]</c>, <c>limit {requests, unit}</c>, <c>cost {request, response}</c>,
/// <c>shared</c> and <c>shadowMode</c>.
/// </summary>
internal static class RateLimitParser
{
    /// <summary>The dynamic-metadata namespace Envoy AI Gateway writes llmRequestCosts to.</summary>
    public const string MetadataNamespace = "io.envoy.ai_gateway";

    public static RateLimitConfig Parse(ConfigNode node)
    {
        var type = node.String("type");
        if (type is not null and not ("Global" or "Local"))
        {
            node.Diagnostics.Error(node.LocationOf("type"), $"'{type}' must be Global or Local");
        }

        var rules = new List<RateLimitRuleConfig>();
        var global = node.Mapping("global");
        var local = node.Mapping("local");
        if (global is not null)
        {
            ParseRules(global, RateLimitScope.Global, maxRules: 128, rules);
        }

        if (local is not null)
        {
            ParseRules(local, RateLimitScope.Local, maxRules: 16, rules);
        }

        if (type == "Global" && global is null)
        {
            node.Diagnostics.Error(node.LocationOf("global"), "is required when type is Global");
        }
        else if (type == "Local" && local is null)
        {
            node.Diagnostics.Error(node.LocationOf("local"), "is required when type is Local");
        }
        else if (global is null && local is null)
        {
            node.Error("needs a global or a local section with rules");
        }

        node.WarnUnread();
        return new RateLimitConfig(rules, node.Location);
    }

    private static void ParseRules(ConfigNode section, RateLimitScope scope, int maxRules, List<RateLimitRuleConfig> rules)
    {
        var items = section.Items("rules");
        if (items.Count == 0)
        {
            section.Diagnostics.Error(section.LocationOf("rules"), "at least one rule is required");
        }
        else if (items.Count > maxRules)
        {
            section.Diagnostics.Error(section.LocationOf("rules"), $"at most {maxRules} rules are allowed, got {items.Count}");
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (ParseRule(items[i], scope, i) is { } rule)
            {
                rules.Add(rule);
            }
        }

        section.WarnUnread();
    }

    private static RateLimitRuleConfig? ParseRule(ConfigNode rule, RateLimitScope scope, int index)
    {
        var headers = new List<RateLimitHeaderConfig>();
        var selectors = rule.Items("clientSelectors");
        if (selectors.Count > 8)
        {
            rule.Diagnostics.Error(rule.LocationOf("clientSelectors"), $"at most 8 client selectors are allowed, got {selectors.Count}");
        }

        foreach (var selector in selectors)
        {
            ParseSelector(selector, headers);
        }

        long? requests = null;
        RateLimitUnit? unit = null;
        if (rule.Mapping("limit") is { } limit)
        {
            requests = limit.Long("requests", 0, long.MaxValue);
            if (limit.Child("requests", markConsumed: false) is null)
            {
                limit.Diagnostics.Error(limit.LocationOf("requests"), "is required");
            }

            unit = ParseUnit(limit);
            if (limit.Child("fromMetadata") is not null)
            {
                limit.Diagnostics.Error(limit.LocationOf("fromMetadata"), "limits from request metadata are not supported yet (use requests and unit)");
            }

            limit.WarnUnread();
        }
        else
        {
            rule.Diagnostics.Error(rule.LocationOf("limit"), "is required");
        }

        RateLimitCostConfig? requestCost = null;
        RateLimitCostConfig? responseCost = null;
        if (rule.Mapping("cost") is { } cost)
        {
            requestCost = ParseCost(cost, "request");
            if (requestCost?.From == RateLimitCostSource.Metadata)
            {
                cost.Diagnostics.Error(cost.LocationOf("request"), "llmRequestCosts are only known when the response ends: use them in cost.response (cost.request takes a Number)");
                requestCost = null;
            }

            responseCost = ParseCost(cost, "response");
            if (responseCost is not null && scope == RateLimitScope.Local)
            {
                cost.Diagnostics.Error(cost.LocationOf("response"), "response cost is not supported for Local rate limits (as in Envoy Gateway); use global");
            }

            cost.WarnUnread();
        }

        var shared = rule.Bool("shared") ?? false;
        var shadow = rule.Bool("shadowMode") ?? false;
        if (shadow && scope == RateLimitScope.Local)
        {
            rule.Diagnostics.Error(rule.LocationOf("shadowMode"), "shadow mode is only supported for Global rate limits (as in Envoy Gateway)");
        }

        rule.WarnUnread();
        if (requests is null || unit is null)
        {
            return null;
        }

        return new RateLimitRuleConfig(scope, index, headers, requests.Value, unit.Value, requestCost, responseCost, shared, shadow, rule.Location);
    }

    private static void ParseSelector(ConfigNode selector, List<RateLimitHeaderConfig> headers)
    {
        foreach (var key in new[] { "methods", "path", "sourceCIDR" })
        {
            if (selector.Child(key) is not null)
            {
                selector.Diagnostics.Error(selector.LocationOf(key), $"client selectors on {key} are not supported yet (headers are)");
            }
        }

        var items = selector.Items("headers");
        if (items.Count == 0)
        {
            selector.Error("at least one header condition is required");
        }
        else if (items.Count > 16)
        {
            selector.Diagnostics.Error(selector.LocationOf("headers"), $"at most 16 header conditions are allowed, got {items.Count}");
        }

        foreach (var header in items)
        {
            var name = header.String("name", required: true);
            var typeText = header.String("type") ?? "Exact";
            var value = header.String("value");
            var invert = header.Bool("invert");
            header.WarnUnread();
            RateLimitHeaderMatchType type;
            switch (typeText)
            {
                case "Exact":
                    type = RateLimitHeaderMatchType.Exact;
                    break;
                case "RegularExpression":
                    type = RateLimitHeaderMatchType.RegularExpression;
                    break;
                case "Distinct":
                    type = RateLimitHeaderMatchType.Distinct;
                    break;
                default:
                    header.Diagnostics.Error(header.LocationOf("type"), $"'{typeText}' must be Exact, RegularExpression or Distinct");
                    continue;
            }

            if (type == RateLimitHeaderMatchType.Distinct)
            {
                if (value is not null)
                {
                    header.Diagnostics.Error(header.LocationOf("value"), "must not be set when type is Distinct (every value gets its own bucket)");
                    continue;
                }

                if (invert is not null)
                {
                    header.Diagnostics.Error(header.LocationOf("invert"), "must not be set when type is Distinct");
                    continue;
                }
            }
            else if (value is null)
            {
                header.Diagnostics.Error(header.LocationOf("value"), $"is required when type is {typeText}");
                continue;
            }

            if (name is not null)
            {
                headers.Add(new RateLimitHeaderConfig(name, type, value, invert ?? false, header.Location));
            }
        }

        selector.WarnUnread();
    }

    private static RateLimitUnit? ParseUnit(ConfigNode limit)
    {
        var text = limit.String("unit", required: true);
        if (text is null)
        {
            return null;
        }

        if (Enum.TryParse<RateLimitUnit>(text, ignoreCase: false, out var unit) && Enum.IsDefined(unit) && !char.IsDigit(text[0]))
        {
            return unit;
        }

        limit.Diagnostics.Error(limit.LocationOf("unit"), $"'{text}' must be Second, Minute, Hour, Day, Month or Year");
        return null;
    }

    private static RateLimitCostConfig? ParseCost(ConfigNode cost, string key)
    {
        if (cost.Mapping(key) is not { } node)
        {
            return null;
        }

        var from = node.String("from", required: true);
        var number = node.Long("number", 0, long.MaxValue);
        var metadata = node.Mapping("metadata");
        RateLimitCostConfig? result = null;
        switch (from)
        {
            case "Number":
                if (metadata is not null)
                {
                    node.Diagnostics.Error(node.LocationOf("metadata"), "only one of number or metadata can be specified (from is Number)");
                }
                else if (node.Child("number", markConsumed: false) is null)
                {
                    node.Diagnostics.Error(node.LocationOf("number"), "is required when from is Number");
                }
                else if (number is not null)
                {
                    result = new RateLimitCostConfig(RateLimitCostSource.Number, number.Value, null, node.Location);
                }

                break;
            case "Metadata":
                if (node.Child("number", markConsumed: false) is not null)
                {
                    node.Diagnostics.Error(node.LocationOf("number"), "only one of number or metadata can be specified (from is Metadata)");
                }
                else if (metadata is null)
                {
                    node.Diagnostics.Error(node.LocationOf("metadata"), "is required when from is Metadata");
                }
                else
                {
                    result = ParseMetadata(metadata);
                }

                break;
            case null:
                break;
            default:
                node.Diagnostics.Error(node.LocationOf("from"), $"'{from}' must be Number or Metadata");
                break;
        }

        node.WarnUnread();
        return result;
    }

    private static RateLimitCostConfig? ParseMetadata(ConfigNode metadata)
    {
        var ns = metadata.String("namespace", required: true);
        var key = metadata.String("key", required: true);
        metadata.WarnUnread();
        if (ns is not null && ns != MetadataNamespace)
        {
            metadata.Diagnostics.Error(metadata.LocationOf("namespace"), $"'{ns}': Sluice only has the llmRequestCosts metadata namespace {MetadataNamespace}");
            return null;
        }

        return ns is null || key is null ? null : new RateLimitCostConfig(RateLimitCostSource.Metadata, 0, key, metadata.LocationOf("key"));
    }
}
