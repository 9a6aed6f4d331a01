namespace Sluice.Telemetry;

public sealed class HeaderAttributeMappingTests
{
    [Fact]
    public void Unset_SpansAndLogsTrackTheAgentSession_MetricsNothing()
    {
        var mapping = HeaderAttributeMapping.FromEnvironment(static _ => null);

        Assert.Empty(mapping.Metrics);
        Assert.Equal([new("agent-session-id", "session.id")], mapping.Spans);
        Assert.Equal([new("agent-session-id", "session.id")], mapping.Logs);
    }

    [Fact]
    public void BaseAndSignalMappings_AreMerged_AndEmptyDisablesTheDefault()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_AIGW_REQUEST_HEADER_ATTRIBUTES"] = "x-tenant-id:tenant.id, x-team:team",
            ["OTEL_AIGW_METRICS_REQUEST_HEADER_ATTRIBUTES"] = "x-team:team.name",
            ["OTEL_AIGW_SPAN_REQUEST_HEADER_ATTRIBUTES"] = string.Empty,
        };

        var mapping = HeaderAttributeMapping.FromEnvironment(name => env.GetValueOrDefault(name));

        Assert.Equal([new("x-tenant-id", "tenant.id"), new("x-team", "team.name")], mapping.Metrics);
        Assert.Equal([new("x-tenant-id", "tenant.id"), new("x-team", "team")], mapping.Spans);
        Assert.Equal([new("x-tenant-id", "tenant.id"), new("x-team", "team"), new("agent-session-id", "session.id")], mapping.Logs);
    }
}
