using Sluice.Auth;
using Sluice.Translation;

namespace Sluice.Model;

/// <summary>A compiled AIServiceBackend: where to send, how to authenticate, how to shape the request.</summary>
internal sealed class BackendModel
{
    private int _nextEndpoint;

    public required string Name { get; init; }

    public required BackendTranslator Translator { get; init; }

    public required IReadOnlyList<UpstreamEndpoint> Endpoints { get; init; }

    public required UpstreamTlsModel? Tls { get; init; }

    public required IUpstreamAuthHandler? Auth { get; init; }

    /// <summary>The pooled client for this backend's connection settings; shared by snapshots that agree on them.</summary>
    public required HttpMessageInvoker Client { get; init; }

    public UpstreamEndpoint NextEndpoint()
    {
        if (Endpoints.Count == 1)
        {
            return Endpoints[0];
        }

        var index = (uint)Interlocked.Increment(ref _nextEndpoint) % (uint)Endpoints.Count;
        return Endpoints[(int)index];
    }
}

/// <summary>One upstream address. <see cref="BaseUri"/> is scheme://host:port with no path.</summary>
internal sealed record UpstreamEndpoint(Uri BaseUri, string HostHeader);

/// <summary>TLS settings for upstream connections (from a BackendTLSPolicy). Value equality: it keys the client pool.</summary>
internal sealed record UpstreamTlsModel(bool SystemCertificates, string? CaCertificatesPem, string? Hostname);
