using System.Net.Http.Headers;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using Sluice.Auth.Aws;

namespace Sluice.Benchmarks;

/// <summary>
/// AWS Signature Version 4 of one Bedrock request: <see cref="AwsSigV4AuthHandler.ApplyAsync"/> with static
/// credentials (resolved once, as the SDK caches them), on a Converse request of ~100 bytes and of 100 KB. The body is
/// a <see cref="ByteArrayContent"/> over part of a larger array, as <see cref="Forwarding.UpstreamAttempt"/> wraps its
/// pooled buffer; a fresh content per operation (a read content stays buffered), the request message reused with its
/// headers cleared.
/// </summary>
[MemoryDiagnoser]
public class SigV4SigningBenchmarks
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly AwsSigV4AuthHandler _handler = new(
        AwsCredentialSource.Fixed(new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "static keys", TimeProvider.System),
        "us-east-1",
        "bench/bedrock");

    private readonly HttpRequestMessage _request = new(HttpMethod.Post, "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.amazon.nova-lite-v1%3A0/converse");
    private byte[] _pooled = [];
    private int _length;

    // Not named Size: the report pairs Size=Small with Size=Large100KB in its passthrough verdict.
    [Params(BodySize.Small, BodySize.Large100KB)]
    public BodySize Body { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = RequestBodies.Create(Body);
        _length = body.Length;
        _pooled = new byte[body.Length + 4096];
        body.CopyTo(_pooled, 0);
    }

    [GlobalCleanup]
    public void Cleanup() => _request.Dispose();

    [Benchmark]
    public async Task<int> Sign()
    {
        _request.Headers.Clear();
        using var content = new ByteArrayContent(_pooled, 0, _length);
        content.Headers.ContentType = Json;
        _request.Content = content;
        var result = await _handler.ApplyAsync(_request, CancellationToken.None);
        return result.Succeeded ? _length : throw new InvalidOperationException(result.Message);
    }
}
