using System.Text.RegularExpressions;

namespace Sluice.Auth.Aws;

/// <summary>
/// The signing region a Bedrock runtime host implies: <c>bedrock-runtime[-fips].{region}.amazonaws.com</c>,
/// <c>.api.aws</c>, and VPC endpoints <c>vpce-....bedrock-runtime.{region}.vpce.amazonaws.com</c>. A signature for
/// the wrong region is rejected, so the host wins over the policy's region when they disagree.
/// </summary>
internal static partial class AwsRegion
{
    public static string? FromHost(string host)
    {
        var match = BedrockRuntimeHost().Match(host);
        return match.Success ? match.Groups["region"].Value : null;
    }

    [GeneratedRegex(@"(?:^|\.)bedrock-runtime(?:-fips)?\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.amazonaws\.com|amazonaws\.com(?:\.cn)?|api\.aws)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BedrockRuntimeHost();
}
