using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.ClientAuth;

/// <summary>
/// One <c>jwt.providers[]</c> entry: where its token is read, how it is validated (signature against the provider's
/// keys, <c>issuer</c> and <c>audiences</c> when set, by Microsoft.IdentityModel; then <c>exp</c>/<c>nbf</c> with
/// Envoy's 60 s of clock skew against the injected clock), and which claims become upstream headers.
/// </summary>
internal sealed class JwtProvider
{
    /// <summary>Envoy's jwt_authn default clock skew.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    private static readonly JsonWebTokenHandler Handler = new();

    private readonly JwksSource _keys;
    private readonly TokenValidationParameters _template;
    private readonly TimeProvider _time;
    private ValidationState? _state;

    public JwtProvider(string name, string? issuer, IReadOnlyList<string> audiences, JwksSource keys, IReadOnlyList<HeaderCredentialSource> sources, IReadOnlyList<KeyValuePair<string, string>> claimToHeaders, TimeProvider time)
    {
        Name = name;
        Issuer = issuer;
        Sources = sources.Count == 0 ? [HeaderCredentialSource.AuthorizationBearer] : sources;
        ClaimToHeaders = claimToHeaders;
        _keys = keys;
        _template = new TokenValidationParameters
        {
            ValidateIssuer = issuer is not null,
            ValidIssuer = issuer,
            ValidateAudience = audiences.Count > 0,
            RequireAudience = audiences.Count > 0,
            ValidAudiences = audiences,
            ValidateLifetime = false, // checked below against the injected clock
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = true,
            ValidateTokenReplay = false,
        };
        _time = time;
    }

    public string Name { get; }

    public string? Issuer { get; }

    public IReadOnlyList<HeaderCredentialSource> Sources { get; }

    /// <summary>Claim (name or dotted path) → header, from <c>claimToHeaders</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ClaimToHeaders { get; }

    public ReadOnlySpan<char> Extract(IHeaderDictionary headers)
    {
        foreach (var source in Sources)
        {
            var token = source.Extract(headers);
            if (!token.IsEmpty)
            {
                return token;
            }
        }

        return [];
    }

    /// <summary>Reads a compact JWT without validating it; null when it is not one.</summary>
    public static JsonWebToken? Read(string token)
    {
        if (!Handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null; // CanReadToken only checks the shape
        }
    }

    public async ValueTask<JwtValidation> ValidateAsync(JsonWebToken token, CancellationToken cancellationToken)
    {
        var keys = await _keys.GetKeysAsync(string.IsNullOrEmpty(token.Kid) ? null : token.Kid, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return new JwtValidation(ClientAuthFailure.KeysUnavailable, $"the signing keys of JWT provider '{Name}' are not available; try again shortly", null);
        }

        var result = await Handler.ValidateTokenAsync(token, ParametersFor(keys)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new JwtValidation(ClientAuthFailure.InvalidToken, Describe(result.Exception), null);
        }

        if (LifetimeProblem(token, _time.GetUtcNow().UtcDateTime) is { } problem)
        {
            return new JwtValidation(ClientAuthFailure.InvalidToken, problem, null);
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
        return new JwtValidation(ClientAuthFailure.None, null, payload.RootElement.Clone());
    }

    /// <summary>Validation parameters for the current key set, built once per key set rather than per request.</summary>
    private TokenValidationParameters ParametersFor(JwksKeySet keys)
    {
        var state = Volatile.Read(ref _state);
        if (state is not null && ReferenceEquals(state.Keys, keys))
        {
            return state.Parameters;
        }

        var parameters = _template.Clone();
        parameters.IssuerSigningKeys = keys.Keys;
        Volatile.Write(ref _state, new ValidationState(keys, parameters));
        return parameters;
    }

    /// <summary>Envoy's rule: <c>exp</c> and <c>nbf</c> are checked when present, with 60 s of clock skew; a token without <c>exp</c> is accepted.</summary>
    private static string? LifetimeProblem(JsonWebToken token, DateTime now)
    {
        if (token.ValidTo != DateTime.MinValue && now > token.ValidTo + ClockSkew)
        {
            return "the token has expired";
        }

        if (token.ValidFrom != DateTime.MinValue && now + ClockSkew < token.ValidFrom)
        {
            return "the token is not valid yet (nbf)";
        }

        return null;
    }

    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience is not accepted",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the token's signature does not verify with the provider's keys",
        _ => "the token is not valid",
    };

    private sealed record ValidationState(JwksKeySet Keys, TokenValidationParameters Parameters);
}

/// <summary>One provider's verdict on a token: the payload when valid.</summary>
internal readonly record struct JwtValidation(ClientAuthFailure Failure, string? Message, JsonElement? Claims);
