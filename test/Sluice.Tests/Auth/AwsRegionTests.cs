using Sluice.Auth.Aws;

namespace Sluice.Auth;

public sealed class AwsRegionTests
{
    [Theory]
    [InlineData("bedrock-runtime.us-west-2.amazonaws.com", "us-west-2")]
    [InlineData("bedrock-runtime-fips.us-east-1.amazonaws.com", "us-east-1")]
    [InlineData("bedrock-runtime.eu-central-1.api.aws", "eu-central-1")]
    [InlineData("vpce-0a1b2c3d-abcdefgh.bedrock-runtime.ap-southeast-2.vpce.amazonaws.com", "ap-southeast-2")]
    [InlineData("BEDROCK-RUNTIME.US-GOV-WEST-1.AMAZONAWS.COM", "US-GOV-WEST-1")]
    [InlineData("bedrock-runtime.cn-north-1.amazonaws.com.cn", "cn-north-1")]
    public void BedrockRuntimeHosts_NameTheirRegion(string host, string region) => Assert.Equal(region, AwsRegion.FromHost(host));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("bedrock.us-east-1.amazonaws.com")]
    [InlineData("my-proxy.example.com")]
    [InlineData("bedrock-runtime.us-east-1.amazonaws.com.evil.example")]
    public void OtherHosts_NameNone(string host) => Assert.Null(AwsRegion.FromHost(host));
}
