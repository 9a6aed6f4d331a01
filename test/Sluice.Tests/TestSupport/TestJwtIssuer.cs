using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.TestSupport;

/// <summary>A test identity provider: an RSA key, its JWKS document, and signed tokens with chosen claims and times.</summary>
internal sealed class TestJwtIssuer : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;

    public TestJwtIssuer(string issuer = "https://issuer.test", string keyId = "key-1")
    {
        Issuer = issuer;
        KeyId = keyId;
        _key = new RsaSecurityKey(_rsa) { KeyId = keyId };
    }

    public string Issuer { get; }

    public string KeyId { get; }

    /// <summary>The public key as a JSON Web Key Set.</summary>
    public string JwksJson
    {
        get
        {
            var parameters = _rsa.ExportParameters(includePrivateParameters: false);
            return $$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{KeyId}}","n":"{{Base64UrlEncoder.Encode(parameters.Modulus)}}","e":"{{Base64UrlEncoder.Encode(parameters.Exponent)}}"}]}""";
        }
    }

    /// <summary>A signed token. <paramref name="claims"/> values may be strings, numbers, arrays or nested dictionaries.</summary>
    public string CreateToken(
        IDictionary<string, object>? claims = null,
        string? audience = "sluice-clients",
        DateTime? expires = null,
        DateTime? notBefore = null,
        string? issuer = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = expires ?? now.AddMinutes(30),
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A signed token whose payload is <paramref name="payloadJson"/> byte for byte (a serializer would re-escape it).</summary>
    public string CreateTokenWithPayload(string payloadJson)
    {
        var header = Base64UrlEncoder.Encode($$"""{"alg":"RS256","kid":"{{KeyId}}","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(payloadJson));
        var signature = _rsa.SignData(System.Text.Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64UrlEncoder.Encode(signature);
    }

    public void Dispose() => _rsa.Dispose();
}
