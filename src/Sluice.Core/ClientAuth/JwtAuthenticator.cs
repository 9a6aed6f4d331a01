using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Sluice.ClientAuth;

/// <summary>
/// <c>jwt</c>: the token is accepted when any provider validates it (as Envoy's jwt_authn "requires any"). A provider
/// whose issuer is not the token's is skipped without fetching its keys. With <c>optional</c>, a request without a
/// token goes on anonymously; a bad token is still a 401.
/// </summary>
internal sealed class JwtAuthenticator(IReadOnlyList<JwtProvider> providers, bool optional)
{
    public const string MissingChallenge = "Bearer realm=\"sluice\"";
    public const string InvalidChallenge = "Bearer realm=\"sluice\", error=\"invalid_token\"";

    public IReadOnlyList<JwtProvider> Providers { get; } = providers;

    public bool Optional { get; } = optional;

    /// <summary>Every header a token may be read from (never forwarded upstream).</summary>
    public IEnumerable<string> TokenHeaders => Providers.SelectMany(static p => p.Sources).Select(static s => s.Header).Distinct(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<(JwtValidation Result, JwtProvider? Provider)> AuthenticateAsync(IHeaderDictionary headers, CancellationToken cancellationToken)
    {
        string? text = null;
        JsonWebToken? token = null;
        JwtValidation? failure = null;
        var issuerMismatch = false;
        foreach (var provider in Providers)
        {
            var extracted = provider.Extract(headers);
            if (extracted.IsEmpty)
            {
                continue;
            }

            if (text is null || !extracted.SequenceEqual(text))
            {
                text = extracted.ToString();
                token = JwtProvider.Read(text);
            }

            if (token is null)
            {
                return (new JwtValidation(ClientAuthFailure.InvalidToken, "the bearer token is not a JWT", null), null);
            }

            if (provider.Issuer is not null && !string.Equals(provider.Issuer, token.Issuer, StringComparison.Ordinal))
            {
                issuerMismatch = true;
                continue;
            }

            var result = await provider.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
            if (result.Failure == ClientAuthFailure.None)
            {
                return (result, provider);
            }

            failure ??= result;
        }

        if (text is null)
        {
            return Optional
                ? (new JwtValidation(ClientAuthFailure.None, null, null), null)
                : (new JwtValidation(ClientAuthFailure.MissingToken, $"this gateway requires a JWT: send it in the {DescribeSources()} header", null), null);
        }

        // The verdict of a provider that owns the token's issuer says more than "wrong issuer" from the others.
        return (failure ?? new JwtValidation(ClientAuthFailure.InvalidToken, issuerMismatch ? "the token's issuer is not accepted" : "the token is not valid", null), null);
    }

    /// <summary>The <c>claimToHeaders</c> of <paramref name="provider"/> that the token has, as header values.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ClaimHeaders(JwtProvider provider, JsonElement claims)
    {
        foreach (var (claim, header) in provider.ClaimToHeaders)
        {
            if (JwtClaims.Find(claims, claim) is { } value && JwtClaims.AsHeaderValue(value) is { } text)
            {
                yield return new(header, text);
            }
        }
    }

    private string DescribeSources() => string.Join(" or ", Providers.SelectMany(static p => p.Sources).Distinct()
        .Select(static s => string.IsNullOrEmpty(s.Prefix) ? s.Header : $"{s.Header} ({s.Prefix.Trim()} <token>)"));
}
