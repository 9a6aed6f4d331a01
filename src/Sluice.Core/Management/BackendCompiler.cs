using Sluice.Auth;
using Sluice.Auth.Aws;
using Sluice.Auth.Azure;
using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Costs;
using Sluice.Forwarding;
using Sluice.Model;
using Sluice.Translation;
using Sluice.Translation.Anthropic;
using Sluice.Translation.Bedrock;

namespace Sluice.Management;

/// <summary>Compiles AIServiceBackends with their Backend, BackendTLSPolicy and BackendSecurityPolicy.</summary>
internal sealed class BackendCompiler(ConfigSet set, ResourceIndex index, UpstreamClientPool clients, AuthServices auth, string? forwardProxy, DiagnosticBag diagnostics)
{
    private static readonly HashSet<string> PlannedSchemas = new(StringComparer.Ordinal)
    {
        "GCPVertexAI", "GCPAnthropic", "Anthropic", "Cohere",
    };

    private readonly Dictionary<(string Namespace, string Name), BackendSecurityPolicyConfig> _policies = IndexPolicies(set, diagnostics);
    private readonly Dictionary<(string Namespace, string Name), BackendTlsPolicyConfig> _tlsPolicies = IndexTlsPolicies(set);
    private readonly Dictionary<string, EntraTokenSource> _tokenSources = new(StringComparer.Ordinal);

    /// <summary>The Entra token sources this config uses, by cache key.</summary>
    public IReadOnlyDictionary<string, EntraTokenSource> TokenSources => _tokenSources;

    public BackendModel? Compile(AIServiceBackendConfig config)
    {
        var meta = config.Meta;
        var errorsBefore = diagnostics.ErrorCount;
        var translator = CompileSchema(config);
        var backend = ResolveBackend(config);
        var authHandler = CompileAuth(meta, backend);
        if (translator is null || backend is null || diagnostics.ErrorCount > errorsBefore)
        {
            return null;
        }

        var tls = CompileTls(backend);
        var endpoints = new List<UpstreamEndpoint>(backend.Endpoints.Count);
        foreach (var endpoint in backend.Endpoints)
        {
            var host = endpoint.IsIp && endpoint.Host.Contains(':', StringComparison.Ordinal) ? $"[{endpoint.Host}]" : endpoint.Host;
            var scheme = tls is null ? "http" : "https";
            if (tls is null && endpoint.Port == 443)
            {
                diagnostics.Warning(backend.Meta.Location, $"port 443 without a BackendTLSPolicy: Sluice speaks plain HTTP to {endpoint.Host}:443 (add a BackendTLSPolicy for TLS)");
            }

            var hostHeader = tls?.Hostname ?? host;
            endpoints.Add(new UpstreamEndpoint(new Uri($"{scheme}://{host}:{endpoint.Port}"), hostHeader, translator));
        }

        return new BackendModel
        {
            Name = $"{meta.Namespace}/{meta.Name}",
            DottedName = CostInputs.BackendName(meta.Name, meta.Namespace),
            Translator = translator,
            Endpoints = endpoints,
            Tls = tls,
            Auth = authHandler,
            Client = clients.Get(tls, forwardProxy),
        };
    }

    private BackendTranslator? CompileSchema(AIServiceBackendConfig config)
    {
        var schema = config.Schema;
        var location = schema.Location with { FieldPath = "spec.schema.name" };
        switch (schema.Name)
        {
            case "OpenAI":
                return new OpenAITranslator(schema.Prefix);
            case "AzureOpenAI":
                if (string.IsNullOrWhiteSpace(schema.Version))
                {
                    diagnostics.Error(location with { FieldPath = "spec.schema.version" }, "is required for schema AzureOpenAI: the Azure api-version, e.g. 2025-01-01-preview");
                    return null;
                }

                return new AzureOpenAITranslator(schema.Version);
            case "AWSBedrock":
                return new BedrockTranslator(auth.Time);
            case "AWSAnthropic":
                return new AnthropicTranslator(schema.Version, auth.Time);
            case "":
                return null;
            case var name when PlannedSchemas.Contains(name):
                diagnostics.Error(location, $"schema {name} is not supported yet (supported: OpenAI, AzureOpenAI, AWSBedrock, AWSAnthropic)");
                return null;
            default:
                diagnostics.Error(location, $"'{schema.Name}' is not a schema (OpenAI, AzureOpenAI, AWSBedrock, AWSAnthropic, GCPVertexAI, GCPAnthropic, Anthropic, Cohere)");
                return null;
        }
    }

    private BackendConfig? ResolveBackend(AIServiceBackendConfig config)
    {
        if (config.BackendRef is not { } reference)
        {
            return null;
        }

        var ns = reference.NamespaceOr(config.Meta.Namespace);
        var found = index.Find<BackendConfig>("Backend", ns, reference.Name);
        if (found is null)
        {
            var hint = reference.Kind is null or "Service" ? " (Sluice sends to gateway.envoyproxy.io Backends; Kubernetes Services are not supported)" : string.Empty;
            diagnostics.Error(reference.Location with { FieldPath = "spec.backendRef.name" }, $"Backend \"{reference.Name}\" not found in namespace {ns}{hint}");
        }

        return found;
    }

    private UpstreamTlsModel? CompileTls(BackendConfig backend)
    {
        if (!_tlsPolicies.TryGetValue((backend.Meta.Namespace, backend.Meta.Name), out var policy))
        {
            return null;
        }

        string? pem = null;
        foreach (var caRef in policy.CaCertificateRefs)
        {
            var configMap = index.Find<ConfigMapConfig>("ConfigMap", caRef.NamespaceOr(policy.Meta.Namespace), caRef.Name);
            if (configMap is null)
            {
                diagnostics.Error(caRef.Location, $"ConfigMap \"{caRef.Name}\" not found");
            }
            else if (!configMap.Data.TryGetValue("ca.crt", out var caPem) || !caPem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                diagnostics.Error(caRef.Location, $"ConfigMap \"{caRef.Name}\" has no PEM certificate under key ca.crt");
            }
            else
            {
                pem += caPem + "\n";
            }
        }

        return new UpstreamTlsModel(policy.SystemCertificates, pem, policy.Hostname);
    }

    private IUpstreamAuthHandler? CompileAuth(ResourceMeta backend, BackendConfig? target)
    {
        if (!_policies.TryGetValue((backend.Namespace, backend.Name), out var policy))
        {
            return null;
        }

        switch (policy.Type)
        {
            case "APIKey" or "AzureAPIKey":
                var key = ResolveSecretValue(policy, "apiKey");
                if (key is null)
                {
                    return null;
                }

                return policy.Type == "APIKey" ? new ApiKeyAuthHandler(key) : new AzureApiKeyAuthHandler(key);
            case "AzureCredentials" when policy.AzureCredentials is { } azure:
                return CompileAzureCredentials(policy, azure, backend);
            case "AWSCredentials" when policy.AwsCredentials is { } aws:
                return CompileAwsCredentials(policy, aws, backend, target);
            case "" or "AzureCredentials" or "AWSCredentials":
                return null;
            default:
                diagnostics.Error(policy.TypeLocation, $"type {policy.Type} is not supported yet (supported: APIKey, AzureAPIKey, AzureCredentials, AWSCredentials)");
                return null;
        }
    }

    private AzureEntraAuthHandler? CompileAzureCredentials(BackendSecurityPolicyConfig policy, AzureCredentialsConfig azure, ResourceMeta backend)
    {
        var errors = diagnostics.ErrorCount;
        var secret = azure.ClientSecretRef is null ? null : ResolveSecretValue(policy, azure.ClientSecretRef, "client-secret");
        OidcExchangeSpec? oidc = null;
        if (azure.OidcExchange is { } exchange)
        {
            var oidcSecret = exchange.ClientSecretRef is null ? null : ResolveSecretValue(policy, exchange.ClientSecretRef, "client-secret");
            oidc = new OidcExchangeSpec(
                exchange.TokenEndpoint is null ? null : new Uri(exchange.TokenEndpoint),
                exchange.Issuer is null ? null : new Uri(exchange.Issuer),
                exchange.ClientId,
                oidcSecret ?? string.Empty,
                exchange.Scopes,
                exchange.Audience);
        }

        if (diagnostics.ErrorCount > errors)
        {
            return null;
        }

        var spec = new AzureCredentialSpec(
            $"{policy.Meta.Namespace}/{policy.Meta.Name}",
            azure.TenantId,
            azure.ClientId,
            secret,
            oidc,
            AzureCredentialFactory.AuthorityHost(azure.AuthorityHost, auth.GetEnvironment));
        var key = spec.CacheKey;
        EntraTokenSource source;
        try
        {
            source = auth.Tokens.GetOrCreate(key, () => AzureCredentialFactory.Create(spec, auth), out _);
        }
        catch (ArgumentException ex)
        {
            // Azure.Identity validates its arguments in constructors; a config must never crash the load.
            diagnostics.Error(azure.Location, $"Azure.Identity rejects this credential: {ex.Message}");
            return null;
        }

        _tokenSources[key] = source;
        return new AzureEntraAuthHandler(source, $"{backend.Namespace}/{backend.Name}");
    }

    private AwsSigV4AuthHandler? CompileAwsCredentials(BackendSecurityPolicyConfig policy, AwsCredentialsConfig aws, ResourceMeta backend, BackendConfig? target)
    {
        var region = aws.Region;
        foreach (var endpoint in target?.Endpoints ?? [])
        {
            if (AwsRegion.FromHost(endpoint.Host) is { } hostRegion && hostRegion != region)
            {
                diagnostics.Warning(aws.Location with { FieldPath = "spec.awsCredentials.region" }, $"region {region} does not match the Bedrock host {endpoint.Host}: signing for {hostRegion}, the host's region");
                region = hostRegion;
            }
        }

        AwsCredentialSource source;
        if (aws.CredentialsFileSecretRef is { } fileRef)
        {
            var text = ResolveSecretValue(policy, fileRef, "credentials");
            if (text is null)
            {
                return null;
            }

            var credentials = AwsProfileCredentials.Read(text, aws.Profile, out var error);
            if (credentials is null)
            {
                diagnostics.Error(fileRef.Location, $"the credentials file in Secret \"{fileRef.Name}\" {error}");
                return null;
            }

            source = AwsCredentialSource.Fixed(credentials, $"profile {aws.Profile} of Secret {fileRef.Name}", auth.Time);
        }
        else if (aws.OidcExchange is { } exchange && aws.RoleArn is { } roleArn)
        {
            var oidcSecret = exchange.ClientSecretRef is null ? null : ResolveSecretValue(policy, exchange.ClientSecretRef, "client-secret");
            if (oidcSecret is null)
            {
                return null;
            }

            var oidc = new OidcTokenExchange(auth.OidcClient, exchange.TokenEndpoint is null ? null : new Uri(exchange.TokenEndpoint), exchange.Issuer is null ? null : new Uri(exchange.Issuer), exchange.ClientId, oidcSecret, exchange.Scopes, exchange.Audience);
            var stsEndpoint = auth.GetEnvironment("AWS_ENDPOINT_URL_STS");
            var sts = new StsWebIdentityCredentials(oidc, roleArn, region, stsEndpoint);
            source = AwsCredentialSource.Fixed(sts, $"STS AssumeRoleWithWebIdentity for {roleArn}", auth.Time);
        }
        else
        {
            source = AwsCredentialSource.DefaultChain(auth.Time);
        }

        return new AwsSigV4AuthHandler(source, region, $"{backend.Namespace}/{backend.Name}");
    }

    private string? ResolveSecretValue(BackendSecurityPolicyConfig policy, string key) =>
        policy.SecretRef is { } reference ? ResolveSecretValue(policy, reference, key) : null;

    private string? ResolveSecretValue(BackendSecurityPolicyConfig policy, ObjectRef reference, string key)
    {

        var ns = reference.NamespaceOr(policy.Meta.Namespace);
        var secret = index.Find<SecretConfig>("Secret", ns, reference.Name);
        if (secret is null)
        {
            diagnostics.Error(reference.Location, $"Secret \"{reference.Name}\" not found in namespace {ns}");
            return null;
        }

        if (!secret.Data.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
        {
            diagnostics.Error(reference.Location, $"Secret \"{reference.Name}\" has no key '{key}'");
            return null;
        }

        return value.Trim();
    }

    private static Dictionary<(string, string), BackendSecurityPolicyConfig> IndexPolicies(ConfigSet set, DiagnosticBag diagnostics)
    {
        var map = new Dictionary<(string, string), BackendSecurityPolicyConfig>();
        foreach (var policy in set.OfType<BackendSecurityPolicyConfig>())
        {
            foreach (var target in policy.TargetRefs)
            {
                if (target.Kind is not null and not "AIServiceBackend")
                {
                    diagnostics.Error(target.Location, $"targetRefs kind {target.Kind} is not supported (target an AIServiceBackend)");
                    continue;
                }

                var key = (policy.Meta.Namespace, target.Name);
                if (!map.TryAdd(key, policy))
                {
                    diagnostics.Error(target.Location, $"AIServiceBackend \"{target.Name}\" already has BackendSecurityPolicy {map[key].Meta.Name}");
                }
            }
        }

        return map;
    }

    private static Dictionary<(string, string), BackendTlsPolicyConfig> IndexTlsPolicies(ConfigSet set)
    {
        var map = new Dictionary<(string, string), BackendTlsPolicyConfig>();
        foreach (var policy in set.OfType<BackendTlsPolicyConfig>())
        {
            foreach (var target in policy.TargetRefs)
            {
                map[(policy.Meta.Namespace, target.Name)] = policy;
            }
        }

        return map;
    }
}
