namespace Sluice.Configuration.Resources;

/// <summary>A Secret. Values are secrets: never log, print or put them in an error message.</summary>
internal sealed record SecretConfig(ResourceMeta Meta, IReadOnlyDictionary<string, string> Data) : ResourceConfig(Meta);

internal sealed record ConfigMapConfig(ResourceMeta Meta, IReadOnlyDictionary<string, string> Data) : ResourceConfig(Meta);
