using Sluice.Configuration.Validation;

namespace Sluice.Configuration.Resources;

internal sealed record HeaderMutationConfig(IReadOnlyList<HeaderSetConfig> Set, IReadOnlyList<string> Remove);

internal sealed record HeaderSetConfig(string Name, string Value);

/// <summary>Top-level JSON fields to set (value is JSON text) or remove in the request body.</summary>
internal sealed record BodyMutationConfig(IReadOnlyList<BodySetConfig> Set, IReadOnlyList<string> Remove);

internal sealed record BodySetConfig(string Path, string ValueJson, ConfigLocation Location);
