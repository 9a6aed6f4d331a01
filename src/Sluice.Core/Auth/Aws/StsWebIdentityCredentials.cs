using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Sluice.Auth.Azure;

namespace Sluice.Auth.Aws;

/// <summary>
/// oidcExchangeToken for AWS: a client-credentials token from the configured OIDC issuer, exchanged at STS
/// (AssumeRoleWithWebIdentity) for temporary credentials of <c>awsRoleArn</c>. The SDK's
/// <see cref="RefreshingAWSCredentials"/> caches them and refreshes ahead of expiry, one refresh at a time.
/// STS is the regional endpoint, or <c>AWS_ENDPOINT_URL_STS</c> when set (the SDK's own override variable).
/// </summary>
internal sealed class StsWebIdentityCredentials : RefreshingAWSCredentials
{
    private readonly OidcTokenExchange _oidc;
    private readonly string _roleArn;
    private readonly AmazonSecurityTokenServiceClient _sts;

    public StsWebIdentityCredentials(OidcTokenExchange oidc, string roleArn, string region, string? stsEndpoint)
    {
        _oidc = oidc;
        _roleArn = roleArn;
        var config = new AmazonSecurityTokenServiceConfig();
        if (string.IsNullOrEmpty(stsEndpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = stsEndpoint;
            config.AuthenticationRegion = region;
        }

        _sts = new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), config);
        PreemptExpiryTime = TimeSpan.FromMinutes(5);
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var token = await _oidc.GetAssertionAsync(CancellationToken.None).ConfigureAwait(false);
        var response = await _sts.AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = _roleArn,
            RoleSessionName = "sluice-" + Guid.NewGuid().ToString("N")[..12],
            WebIdentityToken = token,
        }).ConfigureAwait(false);
        var credentials = response.Credentials;
        return new CredentialsRefreshState(
            new ImmutableCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            credentials.Expiration?.ToUniversalTime() ?? DateTime.UtcNow.AddMinutes(15));
    }
}
