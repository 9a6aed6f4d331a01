namespace Sluice.ClientAuth;

/// <summary>
/// Sluice's per-client allow-list (annotation <c>sluice.io/allowed-models</c>): a caller may use the union of the
/// lists its API key's client ID and its token's claim values select; a caller no entry names gets the default
/// (nothing unless set).
/// </summary>
internal sealed class ModelAllowList(
    IReadOnlyDictionary<string, ModelSet> byClientId,
    string? claimName,
    IReadOnlyDictionary<string, ModelSet> byClaimValue,
    ModelSet defaultModels)
{
    public ModelSet For(ClientIdentity identity)
    {
        List<ModelSet>? matched = null;
        if (identity.ClientId is { } clientId && byClientId.TryGetValue(clientId, out var byClient))
        {
            (matched ??= []).Add(byClient);
        }

        if (claimName is not null && identity.Claims is { } claims && JwtClaims.Find(claims, claimName) is { } claim)
        {
            foreach (var value in JwtClaims.Values(claim))
            {
                if (byClaimValue.TryGetValue(value, out var byValue))
                {
                    (matched ??= []).Add(byValue);
                }
            }
        }

        return matched switch
        {
            null => defaultModels,
            [var single] => single,
            _ => ModelSet.Union(matched),
        };
    }

    public bool Allows(ClientIdentity identity, string model) => For(identity).Contains(model);
}
