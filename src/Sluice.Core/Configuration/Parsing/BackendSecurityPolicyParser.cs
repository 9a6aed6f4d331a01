using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class BackendSecurityPolicyParser
{
    private static readonly Dictionary<string, string> SubObjects = new(StringComparer.Ordinal)
    {
        ["APIKey"] = "apiKey",
        ["AzureAPIKey"] = "azureAPIKey",
        ["AnthropicAPIKey"] = "anthropicAPIKey",
        ["AzureCredentials"] = "azureCredentials",
        ["AWSCredentials"] = "awsCredentials",
        ["GCPCredentials"] = "gcpCredentials",
    };

    public static BackendSecurityPolicyConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var targetRefs = CommonParsers.TargetRefs(spec);
        if (targetRefs.Count == 0)
        {
            spec.Diagnostics.Error(spec.LocationOf("targetRefs"), "at least one targetRef (an AIServiceBackend) is required");
        }

        var type = spec.String("type", required: true) ?? string.Empty;
        var typeLocation = spec.LocationOf("type");
        ObjectRef? secretRef = null;
        if (SubObjects.TryGetValue(type, out var subObjectKey))
        {
            var sub = spec.Mapping(subObjectKey);
            if (sub is null)
            {
                spec.Diagnostics.Error(spec.LocationOf(subObjectKey), $"is required when type is {type}");
            }
            else if (type is "APIKey" or "AzureAPIKey" or "AnthropicAPIKey")
            {
                secretRef = CommonParsers.ObjectRef(sub.Mapping("secretRef"));
                if (secretRef is null)
                {
                    sub.Diagnostics.Error(sub.LocationOf("secretRef"), "is required");
                }

                sub.WarnUnread();
            }
        }
        else if (type.Length > 0)
        {
            spec.Diagnostics.Error(typeLocation, $"'{type}' is not a BackendSecurityPolicy type (APIKey, AzureAPIKey, AzureCredentials, AWSCredentials, GCPCredentials, AnthropicAPIKey)");
        }

        spec.Mapping("credentialOverride");
        spec.WarnUnread();
        return new BackendSecurityPolicyConfig(meta, targetRefs, type, typeLocation, secretRef);
    }
}
