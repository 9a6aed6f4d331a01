using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Auth.Azure;

/// <summary>
/// oidcExchangeToken: a client-credentials token from another OIDC issuer (Keycloak, Okta, a Kubernetes issuer, ...)
/// that Entra ID accepts as a federated client assertion. Each call fetches a fresh assertion; Entra's own token
/// is what Sluice caches.
/// </summary>
internal sealed class OidcTokenExchange(HttpClient http, Uri? tokenEndpoint, Uri? issuer, string clientId, string clientSecret, IReadOnlyList<string> scopes, string? audience)
{
    private Uri? _resolvedEndpoint = tokenEndpoint;

    public async Task<string> GetAssertionAsync(CancellationToken cancellationToken)
    {
        var endpoint = _resolvedEndpoint ??= await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", clientId),
            new("client_secret", clientSecret),
        };
        if (scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', scopes)));
        }

        if (!string.IsNullOrEmpty(audience))
        {
            form.Add(new("audience", audience));
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the OIDC issuer's token endpoint {endpoint} answered {(int)response.StatusCode} to client {clientId}");
        }

        var token = await response.Content.ReadFromJsonAsync(OidcJsonContext.Default.OidcTokenResponse, cancellationToken).ConfigureAwait(false);
        return token?.AccessToken ?? throw new HttpRequestException($"the OIDC issuer's token endpoint {endpoint} returned no access_token");
    }

    private async Task<Uri> DiscoverAsync(CancellationToken cancellationToken)
    {
        var discovery = new Uri(issuer!.ToString().TrimEnd('/') + "/.well-known/openid-configuration");
        var document = await http.GetFromJsonAsync(discovery, OidcJsonContext.Default.OidcDiscovery, cancellationToken).ConfigureAwait(false);
        return document?.TokenEndpoint is { } endpoint ? new Uri(endpoint) : throw new HttpRequestException($"{discovery} names no token_endpoint");
    }
}

internal sealed record OidcTokenResponse([property: JsonPropertyName("access_token")] string? AccessToken);

internal sealed record OidcDiscovery([property: JsonPropertyName("token_endpoint")] string? TokenEndpoint);

[JsonSerializable(typeof(OidcTokenResponse))]
[JsonSerializable(typeof(OidcDiscovery))]
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
internal sealed partial class OidcJsonContext : JsonSerializerContext;
