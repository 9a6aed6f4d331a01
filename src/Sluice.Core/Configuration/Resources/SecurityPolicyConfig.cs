using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

/// <summary>
/// Envoy Gateway SecurityPolicy (<c>gateway.envoyproxy.io/v1alpha1</c>): client authentication for the Gateway or
/// for one route. Sluice reads <c>apiKeyAuth</c> and <c>jwt</c>; <see cref="AllowedModels"/> is Sluice's own
/// extension, read from the <c>sluice.io/allowed-models</c> annotation.
/// </summary>
internal sealed record SecurityPolicyConfig(
    ResourceMeta Meta,
    IReadOnlyList<ObjectRef> TargetRefs,
    ApiKeyAuthConfig? ApiKeyAuth,
    JwtConfig? Jwt,
    AllowedModelsConfig? AllowedModels) : ResourceConfig(Meta);

/// <summary>
/// <c>apiKeyAuth</c>: each key of the referenced Secrets' data is a client ID and its value that client's API key;
/// the key is read from the first of <see cref="Headers"/> present (a <c>Bearer </c> prefix is removed, as Envoy does).
/// </summary>
internal sealed record ApiKeyAuthConfig(
    IReadOnlyList<ObjectRef> CredentialRefs,
    IReadOnlyList<string> Headers,
    string? ForwardClientIdHeader,
    bool? Sanitize,
    ConfigLocation Location);

/// <summary><c>jwt</c>: a token is accepted when any provider validates it.</summary>
internal sealed record JwtConfig(bool Optional, IReadOnlyList<JwtProviderConfig> Providers, ConfigLocation Location);

internal sealed record JwtProviderConfig(
    string Name,
    string? Issuer,
    IReadOnlyList<string> Audiences,
    RemoteJwksConfig? RemoteJwks,
    LocalJwksConfig? LocalJwks,
    IReadOnlyList<ClaimToHeaderConfig> ClaimToHeaders,
    IReadOnlyList<JwtHeaderSourceConfig> ExtractFrom,
    ConfigLocation Location);

/// <summary><c>remoteJWKS</c>: fetched from <see cref="Uri"/> and kept for <see cref="CacheDuration"/> (Envoy's default 300s).</summary>
internal sealed record RemoteJwksConfig(Uri Uri, TimeSpan CacheDuration, ConfigLocation Location);

/// <summary><c>localJWKS</c>: the key set inline, or in a ConfigMap (key <c>jwks</c>, else its first value).</summary>
internal sealed record LocalJwksConfig(string? Inline, ObjectRef? ConfigMapRef, ConfigLocation Location);

internal sealed record ClaimToHeaderConfig(string Claim, string Header, ConfigLocation Location);

/// <summary>A header that carries the token, and the prefix before it (<c>Bearer </c> for Authorization).</summary>
internal sealed record JwtHeaderSourceConfig(string Name, string? ValuePrefix);

/// <summary>
/// Sluice extension (annotation <c>sluice.io/allowed-models</c>): which models each client may use. Lists hold model
/// names or <c>*</c> (every model). A caller gets the union of the lists its client ID and claim values select, else
/// <see cref="Default"/> (none when unset).
/// </summary>
internal sealed record AllowedModelsConfig(
    IReadOnlyList<(string ClientId, IReadOnlyList<string> Models, ConfigLocation Location)> ByClientId,
    string? ClaimName,
    IReadOnlyList<(string Value, IReadOnlyList<string> Models)> ByClaimValue,
    IReadOnlyList<string>? Default,
    ConfigLocation Location,
    ConfigLocation? ClientIdsLocation,
    ConfigLocation? ClaimLocation);
