using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

/// <summary>apiVersion, kind and metadata of one YAML document, plus where it was written.</summary>
internal sealed record ResourceMeta(string ApiVersion, string Kind, string Namespace, string Name, ConfigLocation Location)
{
    public string Label => $"{Kind} {Namespace}/{Name}";
}

/// <summary>A reference to another resource by name (namespace defaults to the referrer's).</summary>
internal sealed record ObjectRef(string Name, string? Namespace, string? Kind, string? Group, ConfigLocation Location)
{
    public string NamespaceOr(string fallback) => string.IsNullOrEmpty(Namespace) ? fallback : Namespace;
}

internal abstract record ResourceConfig(ResourceMeta Meta);
