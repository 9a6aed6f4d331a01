using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

internal sealed record BackendSecurityPolicyConfig(
    ResourceMeta Meta,
    IReadOnlyList<ObjectRef> TargetRefs,
    string Type,
    ConfigLocation TypeLocation,
    ObjectRef? SecretRef,
    AzureCredentialsConfig? AzureCredentials = null,
    AwsCredentialsConfig? AwsCredentials = null) : ResourceConfig(Meta);

/// <summary>
/// <c>azureCredentials</c>: a client secret, a federated OIDC token, or (with neither) workload or managed identity.
/// <see cref="AuthorityHost"/> is a Sluice extension for sovereign clouds (Envoy AI Gateway has none).
/// </summary>
internal sealed record AzureCredentialsConfig(
    string TenantId,
    string ClientId,
    ObjectRef? ClientSecretRef,
    OidcExchangeConfig? OidcExchange,
    string? AuthorityHost,
    ConfigLocation Location);

/// <summary><c>oidcExchangeToken</c>: a client-credentials token from another OIDC issuer, used as the client assertion.</summary>
internal sealed record OidcExchangeConfig(
    string? Issuer,
    string? TokenEndpoint,
    string ClientId,
    ObjectRef? ClientSecretRef,
    IReadOnlyList<string> Scopes,
    string? Audience,
    ConfigLocation Location);

/// <summary>
/// <c>awsCredentials</c>: a profile of a credentials file in a Secret, STS web identity with an OIDC token
/// (<c>oidcExchangeToken</c> and <c>awsRoleArn</c>), or (with neither) the AWS SDK's default credential chain.
/// </summary>
internal sealed record AwsCredentialsConfig(
    string Region,
    ObjectRef? CredentialsFileSecretRef,
    string Profile,
    OidcExchangeConfig? OidcExchange,
    string? RoleArn,
    ConfigLocation Location);
