namespace Sluice.Configuration.Resources;

internal sealed record BackendTlsPolicyConfig(
    ResourceMeta Meta,
    IReadOnlyList<ObjectRef> TargetRefs,
    bool SystemCertificates,
    IReadOnlyList<ObjectRef> CaCertificateRefs,
    string? Hostname) : ResourceConfig(Meta);
