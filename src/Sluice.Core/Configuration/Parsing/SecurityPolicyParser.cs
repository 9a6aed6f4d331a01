using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

/// <summary>Envoy Gateway SecurityPolicy: <c>apiKeyAuth</c> and <c>jwt</c>; other sections are "not supported yet" errors.</summary>
internal static class SecurityPolicyParser
{
    /// <summary>Envoy's default remote JWKS cache duration.</summary>
    public static readonly TimeSpan DefaultJwksCacheDuration = TimeSpan.FromSeconds(300);

    private static readonly string[] UnsupportedSections = ["oidc", "basicAuth", "extAuth", "cors", "authorization", "targetSelectors"];

    public static SecurityPolicyConfig Parse(ResourceMeta meta, ConfigNode spec, ConfigNode? metadata)
    {
        var targetRefs = TargetRefs(spec);
        ApiKeyAuthConfig? apiKeyAuth = null;
        if (spec.Mapping("apiKeyAuth") is { } apiKeyNode)
        {
            apiKeyAuth = ParseApiKeyAuth(apiKeyNode);
        }

        JwtConfig? jwt = null;
        if (spec.Mapping("jwt") is { } jwtNode)
        {
            jwt = ParseJwt(jwtNode);
        }

        var unsupported = false;
        foreach (var section in UnsupportedSections)
        {
            if (spec.Child(section) is not null)
            {
                unsupported = true;
                spec.Diagnostics.Error(spec.LocationOf(section), $"{section} is not supported yet (Sluice supports apiKeyAuth and jwt)");
            }
        }

        if (!unsupported && spec.Child("apiKeyAuth", markConsumed: false) is null && spec.Child("jwt", markConsumed: false) is null)
        {
            spec.Error("set apiKeyAuth or jwt: a SecurityPolicy without either protects nothing");
        }

        spec.WarnUnread();
        var allowedModels = metadata is null ? null : AllowedModelsParser.Parse(meta, metadata, spec.Diagnostics);
        return new SecurityPolicyConfig(meta, targetRefs, apiKeyAuth, jwt, allowedModels);
    }

    private static List<ObjectRef> TargetRefs(ConfigNode spec)
    {
        var items = new List<ConfigNode>(spec.Items("targetRefs"));
        if (spec.Mapping("targetRef") is { } single)
        {
            items.Add(single);
        }

        if (items.Count == 0)
        {
            spec.Diagnostics.Error(spec.LocationOf("targetRefs"), "at least one targetRef is required: the Gateway (every route) or a route (kind HTTPRoute named as its AIGatewayRoute, or AIGatewayRoute)");
        }

        var refs = new List<ObjectRef>(items.Count);
        foreach (var item in items)
        {
            var kind = item.String("kind");
            var group = item.String("group");
            var name = item.String("name", required: true);
            if (item.String("sectionName") is not null)
            {
                item.Diagnostics.Error(item.LocationOf("sectionName"), "targeting one rule (sectionName) is not supported yet: target the whole route");
            }

            item.WarnUnread();
            if (kind is not ("Gateway" or "HTTPRoute" or "AIGatewayRoute"))
            {
                item.Diagnostics.Error(item.LocationOf("kind"), $"kind {kind ?? "(none)"}: target a Gateway, an HTTPRoute (named as its AIGatewayRoute) or an AIGatewayRoute");
                continue;
            }

            if (name is not null)
            {
                refs.Add(new ObjectRef(name, null, kind, group, item.LocationOf("name")));
            }
        }

        return refs;
    }

    private static ApiKeyAuthConfig ParseApiKeyAuth(ConfigNode node)
    {
        var credentialRefs = new List<ObjectRef>();
        foreach (var item in node.Items("credentialRefs"))
        {
            if (CommonParsers.ObjectRef(item) is not { } reference)
            {
                continue;
            }

            if (reference.Kind is not (null or "" or "Secret"))
            {
                item.Diagnostics.Error(item.LocationOf("kind"), $"kind {reference.Kind}: credentialRefs name Secrets");
                continue;
            }

            credentialRefs.Add(reference);
        }

        if (credentialRefs.Count == 0 && node.Child("credentialRefs", markConsumed: false) is null)
        {
            node.Diagnostics.Error(node.LocationOf("credentialRefs"), "is required: the Secrets whose keys are client IDs and whose values are their API keys");
        }

        var headers = new List<string>();
        var extractFrom = node.Items("extractFrom");
        foreach (var source in extractFrom)
        {
            foreach (var header in source.Strings("headers"))
            {
                if (header.Length == 0)
                {
                    source.Diagnostics.Error(source.LocationOf("headers"), "a header name must not be empty");
                }
                else if (!headers.Contains(header, StringComparer.OrdinalIgnoreCase))
                {
                    headers.Add(header);
                }
            }

            ReportUnsupportedSources(source, "headers");
            source.WarnUnread();
        }

        if (node.Child("extractFrom", markConsumed: false) is null)
        {
            node.Diagnostics.Error(node.LocationOf("extractFrom"), "is required: where clients send their key, e.g. [{headers: [x-api-key]}], or [{headers: [Authorization]}] for OpenAI SDKs (Authorization: Bearer <key>)");
        }
        else if (headers.Count == 0 && extractFrom.Count > 0)
        {
            node.Diagnostics.Error(node.LocationOf("extractFrom"), "names no header: list at least one in extractFrom[].headers");
        }

        var forwardClientId = node.String("forwardClientIDHeader");
        var sanitize = node.Bool("sanitize");
        if (sanitize == false)
        {
            node.Diagnostics.Warning(node.LocationOf("sanitize"), "false has no effect: Sluice never forwards a client's API key upstream");
        }

        node.WarnUnread();
        return new ApiKeyAuthConfig(credentialRefs, headers, string.IsNullOrEmpty(forwardClientId) ? null : forwardClientId, sanitize, node.Location);
    }

    private static JwtConfig ParseJwt(ConfigNode node)
    {
        var optional = node.Bool("optional") ?? false;
        var providers = new List<JwtProviderConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in node.Items("providers"))
        {
            if (ParseProvider(item) is { } provider)
            {
                if (!names.Add(provider.Name))
                {
                    item.Diagnostics.Error(item.LocationOf("name"), $"provider name '{provider.Name}' is used twice");
                }

                providers.Add(provider);
            }
        }

        if (node.Child("providers", markConsumed: false) is null)
        {
            node.Diagnostics.Error(node.LocationOf("providers"), "is required: at least one provider (issuer, audiences, remoteJWKS or localJWKS)");
        }

        node.WarnUnread();
        return new JwtConfig(optional, providers, node.Location);
    }

    private static JwtProviderConfig? ParseProvider(ConfigNode node)
    {
        var name = node.String("name", required: true);
        var issuer = node.String("issuer");
        var audiences = node.Strings("audiences");
        RemoteJwksConfig? remote = null;
        if (node.Mapping("remoteJWKS") is { } remoteNode)
        {
            remote = ParseRemoteJwks(remoteNode);
        }

        LocalJwksConfig? local = null;
        if (node.Mapping("localJWKS") is { } localNode)
        {
            local = ParseLocalJwks(localNode);
        }

        var hasRemote = node.Child("remoteJWKS", markConsumed: false) is not null;
        var hasLocal = node.Child("localJWKS", markConsumed: false) is not null;
        if (hasRemote == hasLocal)
        {
            node.Error(hasRemote ? "set remoteJWKS or localJWKS, not both" : "remoteJWKS or localJWKS is required: the keys that sign the tokens");
        }

        var claimToHeaders = new List<ClaimToHeaderConfig>();
        foreach (var item in node.Items("claimToHeaders"))
        {
            var claim = item.String("claim", required: true);
            var header = item.String("header", required: true);
            item.WarnUnread();
            if (claim is not null && header is not null)
            {
                claimToHeaders.Add(new ClaimToHeaderConfig(claim, header, item.Location));
            }
        }

        var extractFrom = new List<JwtHeaderSourceConfig>();
        if (node.Mapping("extractFrom") is { } extract)
        {
            foreach (var item in extract.Items("headers"))
            {
                var headerName = item.String("name", required: true);
                var prefix = item.String("valuePrefix");
                item.WarnUnread();
                if (headerName is not null)
                {
                    extractFrom.Add(new JwtHeaderSourceConfig(headerName, prefix));
                }
            }

            ReportUnsupportedSources(extract, "headers");
            if (extractFrom.Count == 0)
            {
                extract.Error("names no header: list at least one in headers (or remove extractFrom for Authorization: Bearer)");
            }

            extract.WarnUnread();
        }

        node.Child("recomputeRoute");
        node.WarnUnread();
        return name is null ? null : new JwtProviderConfig(name, string.IsNullOrEmpty(issuer) ? null : issuer, audiences, remote, local, claimToHeaders, extractFrom, node.Location);
    }

    private static RemoteJwksConfig? ParseRemoteJwks(ConfigNode node)
    {
        var uriText = node.String("uri", required: true);
        var cacheDuration = node.Duration("cacheDuration") ?? DefaultJwksCacheDuration;
        if (cacheDuration <= TimeSpan.Zero)
        {
            node.Diagnostics.Error(node.LocationOf("cacheDuration"), "must be above zero");
            cacheDuration = DefaultJwksCacheDuration;
        }

        foreach (var key in new[] { "backendRef", "backendRefs", "backendSettings" })
        {
            if (node.Child(key) is not null)
            {
                node.Diagnostics.Error(node.LocationOf(key), $"{key} is not supported yet: Sluice fetches the JWKS from the uri directly");
            }
        }

        node.WarnUnread();
        if (uriText is null)
        {
            return null;
        }

        if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            node.Diagnostics.Error(node.LocationOf("uri"), $"'{uriText}' must be an https URL (the JWKS endpoint, e.g. https://issuer.example.com/.well-known/jwks.json)");
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            node.Diagnostics.Warning(node.LocationOf("uri"), "plain http: anyone on the path can replace the signing keys; use https");
        }

        return new RemoteJwksConfig(uri, cacheDuration, node.Location);
    }

    private static LocalJwksConfig? ParseLocalJwks(ConfigNode node)
    {
        var type = node.String("type") ?? "Inline";
        var inline = node.String("inline");
        var valueRef = CommonParsers.ObjectRef(node.Mapping("valueRef"));
        node.WarnUnread();
        switch (type)
        {
            case "Inline" when inline is not null && valueRef is null:
                return new LocalJwksConfig(inline, null, node.LocationOf("inline"));
            case "ValueRef" when valueRef is not null && inline is null:
                if (valueRef.Kind is not (null or "" or "ConfigMap"))
                {
                    node.Diagnostics.Error(node.LocationOf("valueRef"), $"kind {valueRef.Kind}: valueRef names a ConfigMap");
                    return null;
                }

                return new LocalJwksConfig(null, valueRef, node.LocationOf("valueRef"));
            case "Inline" or "ValueRef":
                node.Error("set exactly one of inline (type Inline) or valueRef (type ValueRef, a ConfigMap)");
                return null;
            default:
                node.Diagnostics.Error(node.LocationOf("type"), $"'{type}' must be Inline or ValueRef");
                return null;
        }
    }

    private static void ReportUnsupportedSources(ConfigNode source, string supported)
    {
        foreach (var key in new[] { "params", "cookies" })
        {
            if (source.Child(key) is not null)
            {
                source.Diagnostics.Error(source.LocationOf(key), $"{key} are not supported yet (use {supported})");
            }
        }
    }
}
