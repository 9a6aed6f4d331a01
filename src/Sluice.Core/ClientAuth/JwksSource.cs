namespace Sluice.ClientAuth;

/// <summary>Where a JWT provider's signing keys come from: a local set, or a remote JWKS cached and refreshed.</summary>
internal abstract class JwksSource
{
    /// <summary>The current keys, or null when none could be had. <paramref name="kid"/> is the token's key ID: an
    /// unknown one may mean the issuer rotated its keys, and a remote source then fetches again.</summary>
    public abstract ValueTask<JwksKeySet?> GetKeysAsync(string? kid, CancellationToken cancellationToken);
}

/// <summary><c>localJWKS</c>: keys from the config (inline or a ConfigMap), replaced by a reload.</summary>
internal sealed class LocalJwksSource(JwksKeySet keys) : JwksSource
{
    public override ValueTask<JwksKeySet?> GetKeysAsync(string? kid, CancellationToken cancellationToken) => new(keys);
}
