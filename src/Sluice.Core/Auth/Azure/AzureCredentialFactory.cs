using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Identity;

namespace Sluice.Auth.Azure;

/// <summary>Everything that identifies one AzureCredentials policy's credential, secrets resolved.</summary>
internal sealed record AzureCredentialSpec(
    string PolicyName,
    string TenantId,
    string ClientId,
    string? ClientSecret,
    OidcExchangeSpec? OidcExchange,
    Uri AuthorityHost)
{
    /// <summary>Stable identity of the credential; changes when any part of it (the secret included) changes.</summary>
    public string CacheKey
    {
        get
        {
            var material = string.Join('\n', PolicyName, TenantId, ClientId, ClientSecret ?? "-", AuthorityHost, OidcExchange?.ToString() ?? "-");
            return PolicyName + "#" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
        }
    }
}

internal sealed record OidcExchangeSpec(Uri? TokenEndpoint, Uri? Issuer, string ClientId, string ClientSecret, IReadOnlyList<string> Scopes, string? Audience)
{
    // Keeps the secret out of ToString (records print every member).
    public override string ToString() => $"{TokenEndpoint}|{Issuer}|{ClientId}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ClientSecret)))}|{string.Join(' ', Scopes)}|{Audience}";
}

/// <summary>
/// Builds the Azure.Identity credential for an AzureCredentials policy: a client secret; a federated assertion
/// from another OIDC issuer; else workload identity (AZURE_FEDERATED_TOKEN_FILE, as on AKS) or managed identity.
/// Instance discovery is off: it would call login.microsoftonline.com even for other clouds, and a gateway calls
/// nothing its config does not name.
/// </summary>
internal static class AzureCredentialFactory
{
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    public static EntraTokenSource Create(AzureCredentialSpec spec, AuthServices services)
    {
        var description = $"BackendSecurityPolicy {spec.PolicyName} (tenant {spec.TenantId}, client id {spec.ClientId})";
        return new EntraTokenSource(CreateCredential(spec, services), CognitiveServicesScope, description, services.Time, services.Logger);
    }

    public static Uri AuthorityHost(string? configured, Func<string, string?> getEnvironment)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return new Uri(configured);
        }

        return getEnvironment("AZURE_AUTHORITY_HOST") is { Length: > 0 } fromEnvironment ? new Uri(fromEnvironment) : AzureAuthorityHosts.AzurePublicCloud;
    }

    private static TokenCredential CreateCredential(AzureCredentialSpec spec, AuthServices services)
    {
        if (spec.ClientSecret is not null)
        {
            return new ClientSecretCredential(spec.TenantId, spec.ClientId, spec.ClientSecret, Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = true }, spec, services));
        }

        if (spec.OidcExchange is { } oidc)
        {
            var exchange = new OidcTokenExchange(services.OidcClient, oidc.TokenEndpoint, oidc.Issuer, oidc.ClientId, oidc.ClientSecret, oidc.Scopes, oidc.Audience);
            return new ClientAssertionCredential(spec.TenantId, spec.ClientId, exchange.GetAssertionAsync, Configure(new ClientAssertionCredentialOptions { DisableInstanceDiscovery = true }, spec, services));
        }

        if (services.GetEnvironment("AZURE_FEDERATED_TOKEN_FILE") is { Length: > 0 } tokenFile)
        {
            return new WorkloadIdentityCredential(Configure(
                new WorkloadIdentityCredentialOptions { TenantId = spec.TenantId, ClientId = spec.ClientId, TokenFilePath = tokenFile, DisableInstanceDiscovery = true },
                spec,
                services));
        }

        var managedIdentity = string.IsNullOrEmpty(spec.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(spec.ClientId);
        return new ManagedIdentityCredential(Configure(new ManagedIdentityCredentialOptions(managedIdentity), spec, services));
    }

    private static T Configure<T>(T options, AzureCredentialSpec spec, AuthServices services)
        where T : TokenCredentialOptions
    {
        options.AuthorityHost = spec.AuthorityHost;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (services.IdentityTransport is { } transport)
        {
            options.Transport = transport;
        }

        return options;
    }
}
