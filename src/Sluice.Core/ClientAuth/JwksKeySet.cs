using Microsoft.IdentityModel.Tokens;

namespace Sluice.ClientAuth;

/// <summary>The signing keys of one JSON Web Key Set, as read once.</summary>
internal sealed class JwksKeySet
{
    private JwksKeySet(IReadOnlyList<SecurityKey> keys) => Keys = keys;

    public IReadOnlyList<SecurityKey> Keys { get; }

    public bool HasKey(string kid)
    {
        foreach (var key in Keys)
        {
            if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a JWKS document; null with a reason when it is not JSON or holds no usable signing key.</summary>
    public static JwksKeySet? TryParse(string json, out string? error)
    {
        IList<SecurityKey> keys;
        try
        {
            keys = JsonWebKeySet.Create(json).GetSigningKeys();
        }
        catch (ArgumentException ex)
        {
            error = $"is not a JSON Web Key Set ({ex.GetType().Name})";
            return null;
        }

        if (keys.Count == 0)
        {
            error = "holds no signing key Sluice can use (RSA, EC or oct keys with \"use\": \"sig\" or no \"use\")";
            return null;
        }

        error = null;
        return new JwksKeySet([.. keys]);
    }
}
