using System.Text.Json;
using Sluice.Json;

namespace Sluice.ClientAuth;

/// <summary>
/// The caller a SecurityPolicy accepted: its API key's client ID and/or its validated token's claims. Anonymous when
/// the policy's JWT is optional and none was sent.
/// </summary>
internal sealed class ClientIdentity(string? clientId, string? jwtProvider, JsonElement? claims, IReadOnlyList<KeyValuePair<string, string>> headersToSet)
{
    public static readonly ClientIdentity Anonymous = new(null, null, null, []);

    /// <summary>apiKeyAuth: the Secret key the caller's API key is stored under.</summary>
    public string? ClientId { get; } = clientId;

    /// <summary>jwt: the provider that validated the token.</summary>
    public string? JwtProvider { get; } = jwtProvider;

    /// <summary>jwt: the validated token's payload.</summary>
    public JsonElement? Claims { get; } = claims;

    /// <summary>Headers the upstream request gets: <c>claimToHeaders</c> and <c>forwardClientIDHeader</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HeadersToSet { get; } = headersToSet;

    /// <summary>For logs: the client ID or the token's subject (unreadable text as U+FFFD), never a credential.</summary>
    public string Describe() => ClientId ?? (Claims is { } c && JwtClaims.Find(c, "sub") is { ValueKind: JsonValueKind.String } sub ? JsonStrings.GetString(sub)! : "anonymous");
}
