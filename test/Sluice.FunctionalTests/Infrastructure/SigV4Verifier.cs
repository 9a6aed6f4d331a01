using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Infrastructure;

/// <summary>What the verifier concluded about one request's signature.</summary>
internal sealed record SigV4Check(bool Valid, string? AccessKey, string? Region, string? Service, IReadOnlyList<string> SignedHeaders, string? Problem);

/// <summary>
/// Verifies AWS Signature Version 4 from the specification, independently of the AWS SDK the gateway signs with:
/// canonical request (double-encoded path, sorted signed headers, payload hash), string to sign, derived key.
/// </summary>
internal static class SigV4Verifier
{
    public static SigV4Check Verify(string method, string rawPath, IReadOnlyDictionary<string, string> headers, byte[] body, IReadOnlyDictionary<string, string> secrets, DateTimeOffset now)
    {
        if (!headers.TryGetValue("Authorization", out var authorization) || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return Fail("no AWS4-HMAC-SHA256 Authorization header");
        }

        var parts = authorization["AWS4-HMAC-SHA256 ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(static p => p.Split('=', 2)).ToDictionary(static p => p[0], static p => p[1]);
        var scope = parts["Credential"].Split('/');
        var (accessKey, date, region, service) = (scope[0], scope[1], scope[2], scope[3]);
        var signedHeaders = parts["SignedHeaders"].Split(';');
        if (!secrets.TryGetValue(accessKey, out var secret))
        {
            return new SigV4Check(false, accessKey, region, service, signedHeaders, $"unknown access key {accessKey}");
        }

        if (!headers.TryGetValue("x-amz-date", out var amzDate) || !amzDate.StartsWith(date, StringComparison.Ordinal))
        {
            return new SigV4Check(false, accessKey, region, service, signedHeaders, "x-amz-date missing or not the credential date");
        }

        var signedAt = DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        if ((now - signedAt).Duration() > TimeSpan.FromMinutes(15))
        {
            return new SigV4Check(false, accessKey, region, service, signedHeaders, "signature expired");
        }

        var payloadHash = Hex(SHA256.HashData(body));
        if (headers.TryGetValue("x-amz-content-sha256", out var declared) && declared != payloadHash)
        {
            return new SigV4Check(false, accessKey, region, service, signedHeaders, "x-amz-content-sha256 does not match the body");
        }

        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(CanonicalPath(rawPath)).Append('\n')
            .Append('\n');
        foreach (var name in signedHeaders)
        {
            var found = headers.TryGetValue(name, out var v) || (name == "host" && headers.TryGetValue(":authority", out v)); // HTTP/2 carries the host as :authority
            var value = found ? string.Join(' ', v!.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : string.Empty;
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n').Append(payloadHash);
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{date}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return expected == parts["Signature"]
            ? new SigV4Check(true, accessKey, region, service, signedHeaders, null)
            : new SigV4Check(false, accessKey, region, service, signedHeaders, "signature mismatch" + (Environment.GetEnvironmentVariable("SIGV4_DEBUG") is null ? string.Empty : "\n" + canonical));
    }

    /// <summary>Each segment of the path as sent, URI-encoded once more (every service but S3 double-encodes).</summary>
    private static string CanonicalPath(string rawPath) =>
        string.Join('/', rawPath.Split('?')[0].Split('/').Select(static segment => Encode(segment)));

    private static string Encode(string segment)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static SigV4Check Fail(string problem) => new(false, null, null, null, [], problem);
}
