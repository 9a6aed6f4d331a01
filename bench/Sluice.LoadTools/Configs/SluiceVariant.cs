using Sluice.LoadTools.Load;

namespace Sluice.LoadTools.Configs;

/// <summary>
/// A Sluice process with a config other than the plain passthrough, measured on its own against the same fake
/// upstream: another provider's path, governance on, or a large routing table.
/// </summary>
internal sealed record SluiceVariant(
    string Key,
    string Label,
    string What,
    string Yaml,
    IReadOnlyList<string> Headers,
    IReadOnlyDictionary<string, string>? Environment = null,
    IReadOnlyList<string>? Arguments = null,
    string Model = Bodies.DefaultModel,
    string? Executable = null)
{
    /// <summary>The plain passthrough config in a fresh process: the reference the other variants are compared with.</summary>
    public const string PlainKey = "plain";

    /// <summary>The variants; those without <see cref="Arguments"/> run with the main Sluice's (the access log off).</summary>
    public static IReadOnlyList<SluiceVariant> All(BenchPlan plan, int upstreamPort, string logDirectory, string? aotExecutable) =>
    [
        new(PlainKey, "Sluice, plain passthrough (a fresh process)",
            "the main Sluice's config in a fresh process, measured exactly like the rows below it, which are compared with this one: the main Sluice ran minutes earlier, after the other proxies, and a VM's speed drifts that much",
            SluiceConfigs.Passthrough(upstreamPort),
            []),
        new("governance", "Sluice, governance on",
            "client API key (SecurityPolicy apiKeyAuth), token costs and an in-process token rate limit per tenant (BackendTrafficPolicy), JSON access log to a file",
            SluiceConfigs.Governance(upstreamPort),
            [$"Authorization: Bearer {SluiceConfigs.ClientKey}", "x-tenant: bench"],
            Arguments: ["--access-log", Path.Combine(logDirectory, "governance-access.log")]),
        new("azure", "Sluice → Azure OpenAI",
            "AzureOpenAI schema: deployment path and api-version, Entra ID bearer token from Azure.Identity (managed identity, fetched once from the fake upstream)",
            SluiceConfigs.Azure(upstreamPort),
            [],
            SluiceConfigs.AzureEnvironment(upstreamPort)),
        new("bedrock", "Sluice → AWS Bedrock",
            "AWSBedrock schema: OpenAI → Converse translation, SigV4 with the AWS SDK's signer, Converse JSON → chat.completion, event-stream → SSE",
            SluiceConfigs.Bedrock(upstreamPort),
            []),
        new("models", $"Sluice, {plan.ManyModels:N0} models",
            $"{plan.ManyModels:N0} Exact model rules in {plan.ManyModels / 100} AIGatewayRoutes; requests name model-{plan.ManyModels / 2}",
            SluiceConfigs.ManyModels(upstreamPort, plan.ManyModels, "model"),
            [],
            Model: $"model-{plan.ManyModels / 2}"),
        .. aotExecutable is null ? Array.Empty<SluiceVariant>() :
        [
            new("aot", "Sluice, Native AOT build",
                "the plain passthrough config, Sluice published with PublishAot (no JIT: machine code compiled ahead of time, without tiered PGO)",
                SluiceConfigs.Passthrough(upstreamPort),
                [],
                Executable: aotExecutable),
        ],
    ];
}
