using Sluice.Auth;
using Sluice.Translation;

namespace Sluice.Model;

/// <summary>A compiled AIServiceBackend: where to send, how to authenticate, how to shape the request.</summary>
internal sealed class BackendModel
{
    private int _nextEndpoint;

    public required string Name { get; init; }

    /// <summary>The name as Envoy AI Gateway gives it to CEL cost expressions (<c>backend</c>): <c>name.namespace</c>.</summary>
    public string DottedName { get; init; } = "";

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
internal sealed class UpstreamEndpoint
{
    /// <summary>Per <see cref="EndpointKind"/>: the whole upstream URI when the schema's path does not name the model.</summary>
    private readonly Uri?[] _fixedTargets;

    public UpstreamEndpoint(Uri baseUri, string hostHeader, BackendTranslator translator)
    {
        BaseUri = baseUri;
        HostHeader = hostHeader;
        SetsHostHeader = !string.Equals(hostHeader, baseUri.Host, StringComparison.OrdinalIgnoreCase);
        var kinds = Enum.GetValues<EndpointKind>();
        _fixedTargets = new Uri?[kinds.Max(static kind => (int)kind) + 1];
        foreach (var kind in kinds)
        {
            _fixedTargets[(int)kind] = translator.ModelIndependentPathAndQuery(kind) is { } path ? new Uri(baseUri, path) : null;
        }
    }

    public Uri BaseUri { get; }

    public string HostHeader { get; }

    /// <summary>The Host header differs from the URI's host (a BackendTLSPolicy hostname).</summary>
    public bool SetsHostHeader { get; }

    /// <summary>
    /// The upstream URI of one attempt. Built at compile time when the path is fixed (OpenAI schema): a Uri and the
    /// strings behind it cost about 300 bytes, on every request otherwise. Uri is immutable, so requests share it.
    /// </summary>
    public Uri Target(BackendTranslator translator, EndpointKind endpoint, string upstreamModel, bool stream) =>
        _fixedTargets[(int)endpoint] ?? new Uri(BaseUri, translator.BuildPathAndQuery(endpoint, upstreamModel, stream));
}

/// <summary>TLS settings for upstream connections (from a BackendTLSPolicy). Value equality: it keys the client pool.</summary>
internal sealed record UpstreamTlsModel(bool SystemCertificates, string? CaCertificatesPem, string? Hostname);
