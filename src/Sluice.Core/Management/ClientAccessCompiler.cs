using Sluice.ClientAuth;
using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Routing;

namespace Sluice.Management;

/// <summary>
/// Compiles SecurityPolicies into a <see cref="ClientAccessModel"/>: resolves their targets (the Gateway, or
/// AIGatewayRoutes as themselves or as their HTTPRoute), the Secrets of API keys, the JWKS of JWT providers and the
/// allow-list annotation. Every unresolved reference is an error: a policy that silently protected nothing would
/// leave the gateway open.
/// </summary>
internal static class ClientAccessCompiler
{
    public static ClientAccessModel Compile(ConfigSet set, ResourceIndex index, JwksCache jwks, IReadOnlyList<ModelListing> routeModels, TimeProvider time, DiagnosticBag diagnostics)
    {
        var policies = set.OfType<SecurityPolicyConfig>().ToList();
        if (policies.Count == 0)
        {
            return ClientAccessModel.None;
        }

        ClientPolicy? gatewayPolicy = null;
        SecurityPolicyConfig? gatewayOwner = null;
        var byRoute = new Dictionary<string, ClientPolicy>(StringComparer.Ordinal);
        var routeOwners = new Dictionary<string, SecurityPolicyConfig>(StringComparer.Ordinal);
        foreach (var config in policies)
        {
            var policy = CompilePolicy(config, index, jwks, time, diagnostics);
            foreach (var target in config.TargetRefs)
            {
                var ns = config.Meta.Namespace;
                if (target.Kind == "Gateway")
                {
                    if (index.Find<GatewayConfig>("Gateway", ns, target.Name) is null)
                    {
                        diagnostics.Error(target.Location, $"Gateway \"{target.Name}\" not found in namespace {ns}");
                    }
                    else if (gatewayOwner is not null)
                    {
                        diagnostics.Error(target.Location, $"{gatewayOwner.Meta.Label} already targets the Gateway: Sluice serves one listener, so one SecurityPolicy may target it");
                    }
                    else
                    {
                        gatewayOwner = config;
                        gatewayPolicy = policy;
                    }

                    continue;
                }

                var routeName = $"{ns}/{target.Name}";
                if (index.Find<AIGatewayRouteConfig>("AIGatewayRoute", ns, target.Name) is null)
                {
                    diagnostics.Error(target.Location, $"AIGatewayRoute \"{target.Name}\" not found in namespace {ns} (an {target.Kind} target names the AIGatewayRoute)");
                }
                else if (routeOwners.TryGetValue(routeName, out var owner))
                {
                    diagnostics.Error(target.Location, $"{owner.Meta.Label} already targets route {routeName}: one SecurityPolicy per route");
                }
                else if (policy is not null)
                {
                    routeOwners[routeName] = config;
                    byRoute[routeName] = policy;
                }
            }
        }

        return new ClientAccessModel(gatewayPolicy, byRoute, ListModels(routeModels, time.GetUtcNow()));
    }

    private static ClientPolicy? CompilePolicy(SecurityPolicyConfig config, ResourceIndex index, JwksCache jwks, TimeProvider time, DiagnosticBag diagnostics)
    {
        var errors = diagnostics.ErrorCount;
        ApiKeyAuthenticator? apiKey = null;
        HashSet<string> clientIds = new(StringComparer.Ordinal);
        if (config.ApiKeyAuth is { } apiKeyConfig)
        {
            apiKey = CompileApiKeys(config, apiKeyConfig, index, clientIds, diagnostics);
        }

        JwtAuthenticator? jwt = null;
        if (config.Jwt is { } jwtConfig)
        {
            var providers = new List<JwtProvider>();
            foreach (var provider in jwtConfig.Providers)
            {
                if (Keys(config, provider, index, jwks, diagnostics) is { } keys)
                {
                    providers.Add(new JwtProvider(
                        provider.Name,
                        provider.Issuer,
                        provider.Audiences,
                        keys,
                        [.. provider.ExtractFrom.Select(static s => new HeaderCredentialSource(s.Name, s.ValuePrefix))],
                        [.. provider.ClaimToHeaders.Select(static c => new KeyValuePair<string, string>(c.Claim, c.Header))],
                        time));
                }
            }

            jwt = new JwtAuthenticator(providers, jwtConfig.Optional);
        }

        var allowList = config.AllowedModels is { } allowed ? CompileAllowList(config, allowed, clientIds, diagnostics) : null;
        return diagnostics.ErrorCount > errors || (apiKey is null && jwt is null) ? null : new ClientPolicy(config.Meta.Label, apiKey, jwt, allowList);
    }

    private static ApiKeyAuthenticator? CompileApiKeys(SecurityPolicyConfig config, ApiKeyAuthConfig apiKeyConfig, ResourceIndex index, HashSet<string> clientIds, DiagnosticBag diagnostics)
    {
        var credentials = new List<(string ClientId, string Key)>();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal); // key hash → client ID
        foreach (var reference in apiKeyConfig.CredentialRefs)
        {
            var ns = reference.NamespaceOr(config.Meta.Namespace);
            if (index.Find<SecretConfig>("Secret", ns, reference.Name) is not { } secret)
            {
                diagnostics.Error(reference.Location, $"Secret \"{reference.Name}\" not found in namespace {ns}");
                continue;
            }

            foreach (var (clientId, key) in secret.Data.OrderBy(static d => d.Key, StringComparer.Ordinal))
            {
                if (key.Length == 0)
                {
                    diagnostics.Warning(reference.Location, $"Secret {ns}/{reference.Name}: client '{clientId}' has an empty API key and can never authenticate");
                    continue;
                }

                if (!clientIds.Add(clientId))
                {
                    diagnostics.Warning(reference.Location, $"Secret {ns}/{reference.Name}: client '{clientId}' is defined by an earlier credentialRef too; the first one is used");
                    continue;
                }

                var hash = Convert.ToHexString(ApiKeyTable.Hash(key));
                if (owners.TryGetValue(hash, out var other))
                {
                    diagnostics.Error(reference.Location, $"Secret {ns}/{reference.Name}: clients '{other}' and '{clientId}' have the same API key; a key must identify one client");
                    continue;
                }

                owners[hash] = clientId;
                credentials.Add((clientId, key));
            }
        }

        if (credentials.Count == 0 && apiKeyConfig.CredentialRefs.Count > 0)
        {
            diagnostics.Error(apiKeyConfig.Location, "the credentialRefs Secrets hold no API key: each data key is a client ID, its value that client's key");
        }

        return credentials.Count == 0 ? null : new ApiKeyAuthenticator(new ApiKeyTable(credentials), apiKeyConfig.Headers, apiKeyConfig.ForwardClientIdHeader);
    }

    private static JwksSource? Keys(SecurityPolicyConfig config, JwtProviderConfig provider, ResourceIndex index, JwksCache jwks, DiagnosticBag diagnostics)
    {
        if (provider.RemoteJwks is { } remote)
        {
            return jwks.GetOrCreate(remote.Uri, remote.CacheDuration);
        }

        if (provider.LocalJwks is not { } local)
        {
            return null; // reported by the parser
        }

        var json = local.Inline;
        if (local.ConfigMapRef is { } reference)
        {
            var ns = config.Meta.Namespace; // a LocalObjectReference: always the policy's namespace
            if (index.Find<ConfigMapConfig>("ConfigMap", ns, reference.Name) is not { } configMap)
            {
                diagnostics.Error(reference.Location, $"ConfigMap \"{reference.Name}\" not found in namespace {ns}");
                return null;
            }

            // Envoy Gateway reads key "jwks", else the ConfigMap's first value.
            json = configMap.Data.TryGetValue("jwks", out var value) ? value : configMap.Data.Values.FirstOrDefault();
            if (json is null)
            {
                diagnostics.Error(reference.Location, $"ConfigMap {ns}/{reference.Name} has no data (expected key jwks)");
                return null;
            }
        }

        if (JwksKeySet.TryParse(json ?? string.Empty, out var error) is { } keys)
        {
            return new LocalJwksSource(keys);
        }

        diagnostics.Error(local.Location, $"JWT provider '{provider.Name}': the local JWKS {error}");
        return null;
    }

    private static ModelAllowList? CompileAllowList(SecurityPolicyConfig config, AllowedModelsConfig allowed, HashSet<string> clientIds, DiagnosticBag diagnostics)
    {
        if (allowed.ByClientId.Count > 0 && config.ApiKeyAuth is null)
        {
            diagnostics.Error(allowed.ClientIdsLocation ?? allowed.Location, "clientIDs select models by API key client ID, and this SecurityPolicy has no apiKeyAuth");
        }

        if (allowed.ClaimName is not null && config.Jwt is null)
        {
            diagnostics.Error(allowed.ClaimLocation ?? allowed.Location, "jwtClaim selects models by a token claim, and this SecurityPolicy has no jwt");
        }

        var byClientId = new Dictionary<string, ModelSet>(StringComparer.Ordinal);
        foreach (var (clientId, models, location) in allowed.ByClientId)
        {
            if (config.ApiKeyAuth is not null && clientIds.Count > 0 && !clientIds.Contains(clientId))
            {
                diagnostics.Warning(location, $"no API key in the credentialRefs Secrets belongs to client '{clientId}'");
            }

            byClientId[clientId] = ModelSet.From(models);
        }

        var byClaimValue = new Dictionary<string, ModelSet>(StringComparer.Ordinal);
        foreach (var (value, models) in allowed.ByClaimValue)
        {
            byClaimValue[value] = ModelSet.From(models);
        }

        return new ModelAllowList(byClientId, allowed.ClaimName, byClaimValue, allowed.Default is { } d ? ModelSet.From(d) : ModelSet.None);
    }

    /// <summary>The models GET /v1/models lists (RouteCompiler's listing), with the route whose policy decides who sees each.</summary>
    private static List<ClientModelListing> ListModels(IReadOnlyList<ModelListing> routeModels, DateTimeOffset now)
    {
        var models = new List<ClientModelListing>(routeModels.Count);
        foreach (var model in routeModels)
        {
            models.Add(new ClientModelListing(model.Id, model.RouteName, (model.CreatedAt ?? now).ToUnixTimeSeconds(), model.OwnedBy ?? "Sluice"));
        }

        return models;
    }
}
