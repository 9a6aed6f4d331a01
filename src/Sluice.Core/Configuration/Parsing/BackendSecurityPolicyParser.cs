using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class BackendSecurityPolicyParser
{
    private static readonly Dictionary<string, string> SubObjects = new(StringComparer.Ordinal)
    {
        ["APIKey"] = "apiKey",
        ["AzureAPIKey"] = "azureAPIKey",
        ["AnthropicAPIKey"] = "anthropicAPIKey",
        ["AzureCredentials"] = "azureCredentials",
        ["AWSCredentials"] = "awsCredentials",
        ["GCPCredentials"] = "gcpCredentials",
    };

    public static BackendSecurityPolicyConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var targetRefs = CommonParsers.TargetRefs(spec);
        if (targetRefs.Count == 0)
        {
            spec.Diagnostics.Error(spec.LocationOf("targetRefs"), "at least one targetRef (an AIServiceBackend) is required");
        }

        var type = spec.String("type", required: true) ?? string.Empty;
        var typeLocation = spec.LocationOf("type");
        ObjectRef? secretRef = null;
        AzureCredentialsConfig? azure = null;
        AwsCredentialsConfig? aws = null;
        if (SubObjects.TryGetValue(type, out var subObjectKey))
        {
            var sub = spec.Mapping(subObjectKey);
            if (sub is null)
            {
                spec.Diagnostics.Error(spec.LocationOf(subObjectKey), $"is required when type is {type}");
            }
            else if (type is "APIKey" or "AzureAPIKey" or "AnthropicAPIKey")
            {
                secretRef = CommonParsers.ObjectRef(sub.Mapping("secretRef"));
                if (secretRef is null)
                {
                    sub.Diagnostics.Error(sub.LocationOf("secretRef"), "is required");
                }

                sub.WarnUnread();
            }
            else if (type == "AzureCredentials")
            {
                azure = ParseAzureCredentials(sub);
            }
            else if (type == "AWSCredentials")
            {
                aws = ParseAwsCredentials(sub);
            }
        }
        else if (type.Length > 0)
        {
            spec.Diagnostics.Error(typeLocation, $"'{type}' is not a BackendSecurityPolicy type (APIKey, AzureAPIKey, AzureCredentials, AWSCredentials, GCPCredentials, AnthropicAPIKey)");
        }

        spec.Mapping("credentialOverride");
        spec.WarnUnread();
        return new BackendSecurityPolicyConfig(meta, targetRefs, type, typeLocation, secretRef, azure, aws);
    }

    private static AzureCredentialsConfig ParseAzureCredentials(ConfigNode node)
    {
        var tenant = node.String("tenantID", required: true) ?? string.Empty;
        if (tenant.Length > 0 && !IsTenantId(tenant))
        {
            node.Diagnostics.Error(node.LocationOf("tenantID"), $"'{tenant}' is not a tenant ID: use the directory's GUID or domain (letters, digits, '.' and '-')");
        }

        var client = node.String("clientID", required: true) ?? string.Empty;
        var secretRef = CommonParsers.ObjectRef(node.Mapping("clientSecretRef"));
        OidcExchangeConfig? oidc = null;
        if (node.Mapping("oidcExchangeToken") is { } exchange)
        {
            oidc = ParseOidcExchange(exchange);
        }

        if (secretRef is not null && oidc is not null)
        {
            node.Error("set clientSecretRef or oidcExchangeToken, not both");
        }

        var authorityHost = node.String("authorityHost");
        if (authorityHost is not null && (!Uri.TryCreate(authorityHost, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            node.Diagnostics.Error(node.LocationOf("authorityHost"), $"'{authorityHost}' must be an https URL such as https://login.microsoftonline.us/");
        }

        node.WarnUnread();
        return new AzureCredentialsConfig(tenant, client, secretRef, oidc, authorityHost, node.Location);
    }

    private static AwsCredentialsConfig ParseAwsCredentials(ConfigNode node)
    {
        var region = node.String("region", required: true) ?? string.Empty;
        if (region.Length > 0 && !IsRegion(region))
        {
            node.Diagnostics.Error(node.LocationOf("region"), $"'{region}' is not an AWS region such as us-east-1");
        }

        ObjectRef? fileSecret = null;
        var profile = "default";
        if (node.Mapping("credentialsFile") is { } file)
        {
            fileSecret = CommonParsers.ObjectRef(file.Mapping("secretRef"));
            if (fileSecret is null)
            {
                file.Diagnostics.Error(file.LocationOf("secretRef"), "is required (a Secret with key credentials: an AWS credentials file)");
            }

            profile = file.String("profile") ?? profile;
            file.WarnUnread();
        }

        OidcExchangeConfig? oidc = null;
        string? roleArn = null;
        if (node.Mapping("oidcExchangeToken") is { } exchange)
        {
            roleArn = exchange.String("awsRoleArn", required: true);
            if (roleArn is not null && !roleArn.StartsWith("arn:", StringComparison.Ordinal))
            {
                exchange.Diagnostics.Error(exchange.LocationOf("awsRoleArn"), $"'{roleArn}' is not an IAM role ARN such as arn:aws:iam::123456789012:role/bedrock");
            }

            oidc = ParseOidcExchange(exchange);
        }

        if (fileSecret is not null && oidc is not null)
        {
            node.Error("set credentialsFile or oidcExchangeToken, not both (neither means the AWS default credential chain)");
        }

        node.WarnUnread();
        return new AwsCredentialsConfig(region, fileSecret, profile, oidc, roleArn, node.Location);
    }

    private static bool IsRegion(string region)
    {
        foreach (var c in region)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return region.Contains('-', StringComparison.Ordinal);
    }

    /// <summary>What Azure.Identity accepts as a tenant: a GUID or a domain name.</summary>
    private static bool IsTenantId(string tenant)
    {
        foreach (var c in tenant)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '.' and not '-')
            {
                return false;
            }
        }

        return true;
    }

    private static OidcExchangeConfig ParseOidcExchange(ConfigNode exchange)
    {
        var oidc = exchange.Mapping("oidc");
        string? issuer = null;
        string? tokenEndpoint = null;
        string clientId = string.Empty;
        ObjectRef? clientSecret = null;
        IReadOnlyList<string> scopes = [];
        if (oidc is null)
        {
            exchange.Diagnostics.Error(exchange.LocationOf("oidc"), "is required");
        }
        else
        {
            if (oidc.Mapping("provider") is { } provider)
            {
                issuer = provider.String("issuer");
                tokenEndpoint = provider.String("tokenEndpoint");
                provider.String("authorizationEndpoint");
                provider.Mapping("backendRef");
                provider.Items("backendRefs");
                provider.Mapping("backendSettings");
                provider.WarnUnread();
            }

            if (issuer is null && tokenEndpoint is null)
            {
                oidc.Diagnostics.Error(oidc.LocationOf("provider"), "needs issuer or tokenEndpoint");
            }

            clientId = oidc.String("clientID", required: true) ?? string.Empty;
            clientSecret = CommonParsers.ObjectRef(oidc.Mapping("clientSecret"));
            if (clientSecret is null)
            {
                oidc.Diagnostics.Error(oidc.LocationOf("clientSecret"), "is required (a Secret with key client-secret)");
            }

            scopes = oidc.Strings("scopes");
            oidc.WarnUnread();
        }

        var audience = exchange.String("aud");
        exchange.String("grantType");
        exchange.WarnUnread();
        return new OidcExchangeConfig(issuer, tokenEndpoint, clientId, clientSecret, scopes, audience, exchange.Location);
    }
}
