using System.Text.Json;
using Sluice.Auth;
using Sluice.ClientAuth;
using Sluice.Configuration.Resources;
using Sluice.Configuration.Validation;
using Sluice.Forwarding;
using Sluice.Model;
using Sluice.Routing;

namespace Sluice.Management;

/// <summary>Validates a whole <see cref="ConfigSet"/> and compiles it into a <see cref="GatewaySnapshot"/>.</summary>
internal static class SnapshotCompiler
{
    /// <summary>Largest request body when no ClientTrafficPolicy sets one (Envoy's 32 KiB default is too small for LLM traffic).</summary>
    public const long DefaultMaxRequestBodyBytes = 50L * 1024 * 1024;

    public static GatewaySnapshot? Compile(ConfigSet set, int generation, UpstreamClientPool clients, AuthServices auth, DiagnosticBag diagnostics, TimeProvider time)
    {
        var index = new ResourceIndex(set, diagnostics);
        var gatewayWide = GatewayWide(set, index, diagnostics);
        var forwardProxy = gatewayWide.Select(static c => c.ForwardProxyAddress).FirstOrDefault(static p => p is not null);
        var globalCosts = gatewayWide.FirstOrDefault(static c => c.GlobalLlmRequestCosts.Count > 0)?.GlobalLlmRequestCosts ?? [];
        var backendCompiler = new BackendCompiler(set, index, clients, auth, forwardProxy, diagnostics);
        var backends = new Dictionary<(string, string), (AIServiceBackendConfig, BackendModel?)>();
        foreach (var config in set.OfType<AIServiceBackendConfig>())
        {
            backends.TryAdd((config.Meta.Namespace, config.Meta.Name), (config, backendCompiler.Compile(config)));
        }

        var trafficPolicies = new TrafficPolicyCompiler(set);
        var rateLimits = new RateLimitCompiler(trafficPolicies, globalCosts, diagnostics);
        var routeCompiler = new RouteCompiler(backends, trafficPolicies, rateLimits, diagnostics);
        var routeCount = 0;
        foreach (var route in set.OfType<AIGatewayRouteConfig>())
        {
            routeCompiler.Compile(route);
            routeCount++;
        }

        if (routeCount == 0)
        {
            diagnostics.Error(ConfigLocation.None, "no AIGatewayRoute found: Sluice needs at least one route to serve");
        }

        var clientAccess = ClientAccessCompiler.Compile(set, index, auth.Jwks, routeCompiler.Models, time, diagnostics);
        var port = ListenerPort(set, diagnostics);
        var bodyLimit = set.OfType<ClientTrafficPolicyConfig>().Select(static p => p.BufferLimitBytes).Where(static b => b is not null).Max() ?? DefaultMaxRequestBodyBytes;
        if (diagnostics.HasErrors)
        {
            return null;
        }

        var compiledBackends = backends.Values.Where(static b => b.Item2 is not null).Select(static b => b.Item2!).ToList();
        var models = routeCompiler.Models.DistinctBy(static m => m.Id).ToList();
        return new GatewaySnapshot
        {
            Generation = generation,
            ListenerPort = port,
            MaxRequestBodyBytes = bodyLimit,
            Routes = routeCompiler.BuildTable(),
            Backends = compiledBackends,
            ModelIds = models.Select(static m => m.Id).ToList(),
            ModelsResponse = RenderModels(models, time.GetUtcNow()),
            WatchedFiles = set.WatchedFiles,
            TokenSources = backendCompiler.TokenSources,
            ClientAccess = clientAccess,
            Description = $"{routeCount} AIGatewayRoute(s), {compiledBackends.Count} backend(s), {models.Count} model(s)",
        };
    }

    /// <summary>The GatewayConfigs Gateways name in their gateway-config annotation, in order (Sluice serves one listener: the first setting wins).</summary>
    private static List<GatewayWideConfig> GatewayWide(ConfigSet set, ResourceIndex index, DiagnosticBag diagnostics)
    {
        var chosen = new List<GatewayWideConfig>();
        var referenced = new HashSet<(string, string)>();
        foreach (var gateway in set.OfType<GatewayConfig>())
        {
            if (gateway.GatewayConfigName is not { } name)
            {
                continue;
            }

            referenced.Add((gateway.Meta.Namespace, name));
            var config = index.Find<GatewayWideConfig>("GatewayConfig", gateway.Meta.Namespace, name);
            if (config is null)
            {
                diagnostics.Error(gateway.Meta.Location with { FieldPath = "metadata.annotations" }, $"GatewayConfig \"{name}\" not found in namespace {gateway.Meta.Namespace}");
                continue;
            }

            chosen.Add(config);
        }

        foreach (var config in set.OfType<GatewayWideConfig>())
        {
            if (!referenced.Contains((config.Meta.Namespace, config.Meta.Name)))
            {
                diagnostics.Warning(config.Meta.Location, $"no Gateway names this GatewayConfig (annotation aigateway.envoyproxy.io/gateway-config: {config.Meta.Name}); it has no effect");
            }
        }

        return chosen;
    }

    private static int? ListenerPort(ConfigSet set, DiagnosticBag diagnostics)
    {
        int? port = null;
        foreach (var gateway in set.OfType<GatewayConfig>())
        {
            foreach (var listener in gateway.Listeners)
            {
                if (port is null)
                {
                    port = listener.Port;
                }
                else if (port != listener.Port)
                {
                    diagnostics.Warning(gateway.Meta.Location, $"listener port {listener.Port} ignored: Sluice serves one port ({port})");
                }
            }
        }

        return port;
    }

    private static byte[] RenderModels(IReadOnlyList<ModelListing> models, DateTimeOffset now)
    {
        var listings = new List<ClientModelListing>(models.Count);
        foreach (var model in models)
        {
            listings.Add(new ClientModelListing(model.Id, model.RouteName, (model.CreatedAt ?? now).ToUnixTimeSeconds(), model.OwnedBy ?? "Sluice"));
        }

        return ModelsResponseWriter.Render(listings).WrittenSpan.ToArray();
    }
}
