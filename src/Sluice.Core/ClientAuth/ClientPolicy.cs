using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sluice.ClientAuth;

/// <summary>
/// One compiled SecurityPolicy: its API key and/or JWT checks (both must pass when both are set, as Envoy chains its
/// filters) and its allow-list. After a pass, the client's credential headers are removed from the request (never
/// forwarded), client-sent copies of the headers the gateway sets are dropped, and <c>claimToHeaders</c> and
/// <c>forwardClientIDHeader</c> are set.
/// </summary>
internal sealed class ClientPolicy
{
    private readonly string[] _removedHeaders;

    public ClientPolicy(string name, ApiKeyAuthenticator? apiKey, JwtAuthenticator? jwt, ModelAllowList? allowedModels)
    {
        Name = name;
        ApiKey = apiKey;
        Jwt = jwt;
        AllowedModels = allowedModels;
        var removed = new List<string>();
        if (apiKey is not null)
        {
            removed.AddRange(apiKey.Headers);
            if (apiKey.ForwardClientIdHeader is { } clientIdHeader)
            {
                removed.Add(clientIdHeader);
            }
        }

        if (jwt is not null)
        {
            removed.AddRange(jwt.TokenHeaders);
            removed.AddRange(jwt.Providers.SelectMany(static p => p.ClaimToHeaders).Select(static c => c.Value));
        }

        _removedHeaders = [.. removed.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The policy's label, <c>SecurityPolicy namespace/name</c>.</summary>
    public string Name { get; }

    public ApiKeyAuthenticator? ApiKey { get; }

    public JwtAuthenticator? Jwt { get; }

    public ModelAllowList? AllowedModels { get; }

    /// <summary>The headers taken off the request after it passes.</summary>
    public IReadOnlyList<string> RemovedHeaders => _removedHeaders;

    public async ValueTask<ClientAccess> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? clientId = null;
        if (ApiKey is not null)
        {
            var (failure, id, message) = ApiKey.Authenticate(request.Headers);
            if (failure != ClientAuthFailure.None)
            {
                return ClientAccess.Denied(this, failure, message!, ApiKey.Challenge);
            }

            clientId = id;
        }

        JwtProvider? provider = null;
        JsonElement? claims = null;
        if (Jwt is not null)
        {
            var (result, validatedBy) = await Jwt.AuthenticateAsync(request.Headers, cancellationToken).ConfigureAwait(false);
            if (result.Failure != ClientAuthFailure.None)
            {
                var challenge = result.Failure switch
                {
                    ClientAuthFailure.MissingToken => JwtAuthenticator.MissingChallenge,
                    ClientAuthFailure.InvalidToken => JwtAuthenticator.InvalidChallenge,
                    _ => null,
                };
                return ClientAccess.Denied(this, result.Failure, result.Message!, challenge);
            }

            provider = validatedBy;
            claims = result.Claims;
        }

        if (clientId is null && provider is null)
        {
            return ClientAccess.Accepted(this, ClientIdentity.Anonymous); // an optional JWT that was not sent
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (clientId is not null && ApiKey!.ForwardClientIdHeader is { } clientIdHeader)
        {
            headers.Add(new(clientIdHeader, clientId));
        }

        if (provider is not null && claims is { } payload)
        {
            headers.AddRange(JwtAuthenticator.ClaimHeaders(provider, payload));
        }

        return ClientAccess.Accepted(this, new ClientIdentity(clientId, provider?.Name, claims, headers));
    }

    public void ApplyHeaders(IHeaderDictionary headers, ClientIdentity identity)
    {
        foreach (var name in _removedHeaders)
        {
            headers.Remove(name);
        }

        foreach (var (name, value) in identity.HeadersToSet)
        {
            headers[name] = value;
        }
    }

    public override string ToString() => Name;
}
