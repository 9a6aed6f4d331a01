using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Parsing;

/// <summary>Reads one YAML document into its resource record, by apiVersion group and kind.</summary>
internal static class ResourceParser
{
    private const string AIGatewayGroup = "aigateway.envoyproxy.io";
    private const string EnvoyGatewayGroup = "gateway.envoyproxy.io";
    private const string GatewayApiGroup = "gateway.networking.k8s.io";

    public static ResourceConfig? Parse(ConfigNode root, ParseContext context)
    {
        var apiVersion = root.String("apiVersion");
        var kind = root.String("kind");
        if (apiVersion is null || kind is null)
        {
            root.Error("a resource needs apiVersion and kind");
            return null;
        }

        var metadata = root.Mapping("metadata");
        var name = metadata?.String("name") ?? string.Empty;
        var ns = metadata?.String("namespace") ?? "default";
        var label = $"{kind} {ns}/{name}";
        var location = root.Location with { Resource = label };
        var resource = new ConfigNode(root.Node, string.Empty, location, root.Diagnostics);
        var meta = new ResourceMeta(apiVersion, kind, ns, name, location);
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;
        var version = apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];

        if (group == AIGatewayGroup && version is not ("v1alpha1" or "v1beta1"))
        {
            root.Diagnostics.Error(location.WithField("apiVersion", root.Line), $"'{apiVersion}': Sluice reads {AIGatewayGroup}/v1alpha1 and v1beta1");
            return null;
        }

        var handled = (group, kind) switch
        {
            (AIGatewayGroup, "AIGatewayRoute") or (AIGatewayGroup, "AIServiceBackend") or (AIGatewayGroup, "BackendSecurityPolicy") or (AIGatewayGroup, "GatewayConfig")
                or (EnvoyGatewayGroup, "Backend") or (EnvoyGatewayGroup, "ClientTrafficPolicy") or (EnvoyGatewayGroup, "BackendTrafficPolicy") or (EnvoyGatewayGroup, "SecurityPolicy")
                or (GatewayApiGroup, "Gateway") or (GatewayApiGroup, "BackendTLSPolicy")
                or ("", "Secret") or ("", "ConfigMap") => true,
            _ => false,
        };

        if (!handled)
        {
            Unhandled(group, kind, location, root.Diagnostics);
            return null;
        }

        if (string.IsNullOrEmpty(name))
        {
            root.Diagnostics.Error(location.WithField("metadata.name", root.Line), "is required");
            return null;
        }

        ConfigNode? spec = null;
        if (kind is not ("Secret" or "ConfigMap"))
        {
            spec = resource.Mapping("spec");
            if (spec is null)
            {
                root.Diagnostics.Error(location.WithField("spec", root.Line), "is required");
                return null;
            }
        }

        return kind switch
        {
            "AIGatewayRoute" => AIGatewayRouteParser.Parse(meta, spec!),
            "AIServiceBackend" => AIServiceBackendParser.Parse(meta, spec!),
            "BackendSecurityPolicy" => BackendSecurityPolicyParser.Parse(meta, spec!),
            "Backend" => BackendParser.Parse(meta, spec!),
            "ClientTrafficPolicy" => GatewayParsers.ParseClientTrafficPolicy(meta, spec!),
            "BackendTrafficPolicy" => BackendTrafficPolicyParser.Parse(meta, spec!),
            "SecurityPolicy" => SecurityPolicyParser.Parse(meta, spec!, metadata),
            "Gateway" => GatewayParsers.ParseGateway(meta, spec!, metadata),
            "GatewayConfig" => GatewayParsers.ParseGatewayWideConfig(meta, spec!),
            "BackendTLSPolicy" => BackendTlsPolicyParser.Parse(meta, spec!),
            "Secret" => DataResourceParsers.ParseSecret(meta, resource, metadata, context),
            _ => DataResourceParsers.ParseConfigMap(meta, resource),
        };
    }

    private static void Unhandled(string group, string kind, ConfigLocation location, DiagnosticBag diagnostics)
    {
        switch (group, kind)
        {
            case (AIGatewayGroup, "QuotaPolicy" or "MCPRoute"):
            case (EnvoyGatewayGroup, "EnvoyExtensionPolicy" or "HTTPRouteFilter"):
            case (GatewayApiGroup, "HTTPRoute" or "GRPCRoute" or "TCPRoute" or "TLSRoute" or "UDPRoute"):
                diagnostics.Error(location, $"{kind} ({group}) is not supported yet");
                break;
            case (AIGatewayGroup, _):
                diagnostics.Error(location, $"unknown kind '{kind}' in {AIGatewayGroup} (known: AIGatewayRoute, AIServiceBackend, BackendSecurityPolicy, GatewayConfig, QuotaPolicy, MCPRoute)");
                break;
            case (_, _) when group.StartsWith("inference.networking", StringComparison.Ordinal):
                diagnostics.Error(location, $"{kind} ({group}) is not supported yet");
                break;
            default:
                diagnostics.Info(location, $"skipped: {kind} is Kubernetes plumbing with nothing for a standalone gateway to do");
                break;
        }
    }
}
