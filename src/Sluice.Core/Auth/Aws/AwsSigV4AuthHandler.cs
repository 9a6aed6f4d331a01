using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.SecurityToken;

namespace Sluice.Auth.Aws;

/// <summary>
/// BackendSecurityPolicy type AWSCredentials: signs each upstream request with AWS Signature Version 4 (service
/// <c>bedrock</c>) using the AWS SDK for .NET's own <see cref="AWS4Signer"/>, with credentials from the SDK's
/// providers (a profile, the default chain, or STS web identity). The signed headers are the body hash, date,
/// host, content type and session token; nothing else the client sent is signed, so it cannot break the signature.
/// </summary>
internal sealed class AwsSigV4AuthHandler(AwsCredentialSource credentials, string region, string backendName) : IUpstreamAuthHandler
{
    private const string Service = "bedrock";

    /// <summary>
    /// The signer asks its client config for the signing service and region; those are set on each request, so any
    /// concrete SDK config does. STS's is the one Sluice already references (for web identity).
    /// </summary>
    private static readonly AmazonSecurityTokenServiceConfig SignerConfig = new();

    private readonly AWS4Signer _signer = new();

    public async ValueTask<AuthResult> ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var identity = await credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        if (identity.Credentials is not { } resolved)
        {
            return AuthResult.Failure(identity.StatusCode, $"backend {backendName}: {identity.Error}");
        }

        var bodyHash = await BodySha256Async(request.Content, cancellationToken).ConfigureAwait(false);
        var uri = request.RequestUri!;
        var host = request.Headers.Host ?? uri.Authority;
        var signing = new DefaultRequest(new SigningRequest(), Service)
        {
            HttpMethod = request.Method.Method,
            Endpoint = new Uri($"{uri.Scheme}://{host}"),
            PrecomputedContentSha256 = bodyHash,
            AuthenticationRegion = region,
            OverrideSigningServiceName = Service,
            UseDoubleEncoding = true,
        };
        SetPath(signing, uri.AbsolutePath);
        signing.Headers["host"] = host;
        signing.Headers["Content-Type"] = request.Content?.Headers.ContentType?.ToString() ?? "application/json";
        if (resolved.UseToken)
        {
            signing.Headers["X-Amz-Security-Token"] = resolved.Token;
        }

        var signature = _signer.SignRequest(signing, SignerConfig, null, resolved.AccessKey, resolved.SecretKey);
        foreach (var (name, value) in signing.Headers)
        {
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", signature.ForAuthorizationHeader);
        request.Headers.Host = host;
        return AuthResult.Success;
    }

    /// <summary>
    /// The body's SHA-256 (lowercase hex, the x-amz-content-sha256 value), hashed as the content writes itself, so the
    /// body is not copied (handing the SDK a byte array through <see cref="HttpContent.ReadAsByteArrayAsync()"/> cost
    /// twice the body's size per request, measured, and a 100 KB body landed on the large object heap). The gateway's
    /// <see cref="ByteArrayContent"/> can be written again when sent; any other content is buffered first, as before.
    /// </summary>
    private static async ValueTask<string> BodySha256Async(HttpContent? content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (content is not null)
        {
            if (content is not ByteArrayContent)
            {
                await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var sink = new HashingStream(hash);
            await content.CopyToAsync(sink, cancellationToken).ConfigureAwait(false);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The SDK escapes the path itself (once for the wire, once more for the canonical request), so it must get
    /// each segment unescaped as a path resource; a model ARN's <c>/</c> and <c>:</c> then stay inside its segment.
    /// </summary>
    private static void SetPath(DefaultRequest signing, string escapedPath)
    {
        var segments = escapedPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var template = new System.Text.StringBuilder();
        for (var i = 0; i < segments.Length; i++)
        {
            var name = "{s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
            template.Append('/').Append(name);
            signing.AddPathResource(name, Uri.UnescapeDataString(segments[i]));
        }

        signing.ResourcePath = template.Length == 0 ? "/" : template.ToString();
    }

    public override string ToString() => $"AWSCredentials(region={region}, ***)";

    /// <summary>The signer needs the original SDK request type only as a marker.</summary>
    private sealed class SigningRequest : AmazonWebServiceRequest;

    /// <summary>A write-only stream that feeds what is written to a hash and keeps nothing.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            hash.AppendData(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
