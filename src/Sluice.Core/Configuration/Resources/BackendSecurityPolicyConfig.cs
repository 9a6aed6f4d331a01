using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

internal sealed record BackendSecurityPolicyConfig(
    ResourceMeta Meta,
    IReadOnlyList<ObjectRef> TargetRefs,
    string Type,
    ConfigLocation TypeLocation,
    ObjectRef? SecretRef) : ResourceConfig(Meta);
