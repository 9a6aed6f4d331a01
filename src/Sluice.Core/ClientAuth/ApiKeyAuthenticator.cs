using Microsoft.AspNetCore.Http;

namespace Sluice.ClientAuth;

/// <summary>
/// <c>apiKeyAuth</c>: the key is read from the first listed header that has one and looked up in constant time;
/// the caller becomes the key's client ID.
/// </summary>
internal sealed class ApiKeyAuthenticator(ApiKeyTable keys, IReadOnlyList<string> headers, string? forwardClientIdHeader)
{
    public IReadOnlyList<string> Headers { get; } = headers;

    /// <summary>The header the upstream request gets with the client ID (<c>forwardClientIDHeader</c>).</summary>
    public string? ForwardClientIdHeader { get; } = forwardClientIdHeader;

    public int KeyCount => keys.Count;

    public string Challenge => Headers.Contains("Authorization", StringComparer.OrdinalIgnoreCase)
        ? "Bearer realm=\"sluice\""
        : "ApiKey realm=\"sluice\"";

    public (ClientAuthFailure Failure, string? ClientId, string? Message) Authenticate(IHeaderDictionary request)
    {
        foreach (var header in Headers)
        {
            var key = HeaderCredentialSource.ExtractApiKey(request, header);
            if (key.IsEmpty)
            {
                continue;
            }

            return keys.Find(key) is { } clientId
                ? (ClientAuthFailure.None, clientId, null)
                : (ClientAuthFailure.InvalidApiKey, null, "the API key is not valid for this gateway");
        }

        return (ClientAuthFailure.MissingApiKey, null, $"this gateway requires an API key: send it in the {Describe()} header");
    }

    private string Describe() => string.Join(" or ", Headers.Select(static h =>
        string.Equals(h, "Authorization", StringComparison.OrdinalIgnoreCase) ? "Authorization (Bearer <key>)" : h));
}
