using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Sluice.Auth.Aws;

namespace Sluice.Auth;

public sealed class AwsSigV4AuthHandlerTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-lite-v1/converse";

    private readonly AwsSigV4AuthHandler _handler = new(
        AwsCredentialSource.Fixed(new BasicAWSCredentials(AccessKey, SecretKey), "static keys", TimeProvider.System), "us-east-1", "ns/bedrock");

    [Fact]
    public async Task ApplyAsync_PartOfAPooledArray_SignsThoseBytes_AndLeavesTheBodyToSend()
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}""");
        var pooled = new byte[body.Length + 64];
        pooled.AsSpan().Fill((byte)'x');
        body.CopyTo(pooled, 7);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(pooled, 7, body.Length) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var result = await _handler.ApplyAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        AssertSignedFor(request, body);
        Assert.Equal(body, await request.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ApplyAsync_StreamContent_IsBufferedSoItCanStillBeSent()
    {
        var body = Encoding.UTF8.GetBytes(new string('a', 100 * 1024));
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StreamContent(new MemoryStream(body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var result = await _handler.ApplyAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        AssertSignedFor(request, body);
        Assert.Equal(body, await request.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ApplyAsync_NoContent_SignsTheEmptyBodyHash()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url);

        var result = await _handler.ApplyAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Header(request, "x-amz-content-sha256"));
        AssertSignedFor(request, []);
    }

    /// <summary>Recomputes the signature from the specification (canonical request, string to sign, derived key).</summary>
    private static void AssertSignedFor(HttpRequestMessage request, byte[] body)
    {
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        Assert.Equal(payloadHash, Header(request, "x-amz-content-sha256"));
        var authorization = Header(request, "Authorization");
        var amzDate = Header(request, "x-amz-date");
        var date = amzDate[..8];
        const string signedHeaders = "content-type;host;x-amz-content-sha256;x-amz-date";
        var prefix = $"AWS4-HMAC-SHA256 Credential={AccessKey}/{date}/us-east-1/bedrock/aws4_request, SignedHeaders={signedHeaders}, Signature=";
        Assert.StartsWith(prefix, authorization, StringComparison.Ordinal);

        var canonical = $"POST\n/model/amazon.nova-lite-v1/converse\n\ncontent-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-content-sha256:{payloadHash}\nx-amz-date:{amzDate}\n\n{signedHeaders}\n{payloadHash}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{date}/us-east-1/bedrock/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + SecretKey);
        foreach (var part in new[] { date, "us-east-1", "bedrock", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign))), authorization[prefix.Length..]);
    }

    private static string Header(HttpRequestMessage request, string name) => Assert.Single(request.Headers.GetValues(name));
}
