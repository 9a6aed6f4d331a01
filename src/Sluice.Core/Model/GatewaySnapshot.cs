using Sluice.Auth.Azure;
using Sluice.Routing;

namespace Sluice.Model;

/// <summary>
/// Everything a request needs, compiled from one valid configuration. Immutable: a reload builds a new one and
/// swaps it in; a request captures the snapshot once and uses it to the end.
/// </summary>
internal sealed class GatewaySnapshot
{
    public required int Generation { get; init; }

    /// <summary>The Gateway's listener port, if the config names one.</summary>
    public int? ListenerPort { get; init; }

    public required long MaxRequestBodyBytes { get; init; }

    public required RouteTable Routes { get; init; }

    public required IReadOnlyList<BackendModel> Backends { get; init; }

    /// <summary>The GET /v1/models answer, rendered once per load.</summary>
    public required byte[] ModelsResponse { get; init; }

    public required IReadOnlyList<string> ModelIds { get; init; }

    public required IReadOnlyList<string> WatchedFiles { get; init; }

    public required string Description { get; init; }

    /// <summary>The Entra ID token sources this config uses, by credential key (kept alive across reloads).</summary>
    public required IReadOnlyDictionary<string, EntraTokenSource> TokenSources { get; init; }

    /// <summary>Client access control: the SecurityPolicies of the Gateway and of each route.</summary>
    public ClientAuth.ClientAccessModel ClientAccess { get; init; } = ClientAuth.ClientAccessModel.None;
}
