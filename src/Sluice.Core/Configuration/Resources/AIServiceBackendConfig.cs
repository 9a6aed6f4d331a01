namespace Sluice.Configuration.Resources;

internal sealed record AIServiceBackendConfig(
    ResourceMeta Meta,
    SchemaConfig Schema,
    ObjectRef? BackendRef,
    HeaderMutationConfig? HeaderMutation,
    BodyMutationConfig? BodyMutation) : ResourceConfig(Meta);

internal sealed record SchemaConfig(string Name, string? Version, string? Prefix, Validation.ConfigLocation Location);
