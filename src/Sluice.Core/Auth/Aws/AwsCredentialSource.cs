using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Sluice.Auth.Aws;

/// <summary>The credentials to sign with, or why there are none (a status and a message safe to show a client).</summary>
internal readonly record struct AwsIdentity(ImmutableCredentials? Credentials, int StatusCode, string? Error);

/// <summary>
/// Where a policy's AWS credentials come from: a profile of a credentials file, the AWS SDK's default chain
/// (environment, shared files, web identity as on EKS, container and instance roles), or STS
/// AssumeRoleWithWebIdentity with an OIDC token. The SDK's credential objects cache and refresh temporary
/// credentials themselves (single flight, before expiry); this class adds a clear error when none can be had.
/// </summary>
internal sealed class AwsCredentialSource
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private readonly Func<CancellationToken, Task<AWSCredentials>> _resolve;
    private readonly string _description;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private AWSCredentials? _credentials;
    private (DateTimeOffset At, string Message)? _lastFailure;

    private AwsCredentialSource(Func<CancellationToken, Task<AWSCredentials>> resolve, string description, TimeProvider time)
    {
        _resolve = resolve;
        _description = description;
        _time = time;
    }

    public static AwsCredentialSource Fixed(AWSCredentials credentials, string description, TimeProvider time) =>
        new(_ => Task.FromResult(credentials), description, time);

    /// <summary>The SDK's default chain, resolved at the first request (it may probe the instance metadata service).</summary>
    public static AwsCredentialSource DefaultChain(TimeProvider time) =>
        new(async _ => await new DefaultAWSCredentialsIdentityResolver().ResolveIdentityAsync(null!).ConfigureAwait(false), "the AWS default credential chain", time);

    public async ValueTask<AwsIdentity> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var credentials = _credentials ?? await ResolveAsync(cancellationToken).ConfigureAwait(false);
            if (credentials is null)
            {
                return new AwsIdentity(null, 503, _lastFailure!.Value.Message);
            }

            var immutable = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new AwsIdentity(immutable, 0, null);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or HttpRequestException or InvalidOperationException)
        {
            return new AwsIdentity(null, 503, $"AWS credentials from {_description} are not available: {Describe(ex)}");
        }
    }

    private async Task<AWSCredentials?> ResolveAsync(CancellationToken cancellationToken)
    {
        await _resolving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credentials is not null)
            {
                return _credentials;
            }

            if (_lastFailure is { } failure && _time.GetUtcNow() - failure.At < RetryAfterFailure)
            {
                return null;
            }

            try
            {
                _credentials = await _resolve(cancellationToken).ConfigureAwait(false);
                _lastFailure = null;
                return _credentials;
            }
            catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or HttpRequestException or InvalidOperationException or IOException)
            {
                _lastFailure = (_time.GetUtcNow(), $"no AWS credentials from {_description}: {Describe(ex)}");
                return null;
            }
        }
        finally
        {
            _resolving.Release();
        }
    }

    /// <summary>The SDK's message, without anything that could be a secret (SDK messages name profiles and files, not keys).</summary>
    private static string Describe(Exception ex) => ex is AmazonServiceException service
        ? $"{service.ErrorCode} ({(int)service.StatusCode}): {service.Message}"
        : ex.Message;
}
