using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class AIServiceBackendParser
{
    public static AIServiceBackendConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var schemaNode = spec.Mapping("schema");
        SchemaConfig schema;
        if (schemaNode is null)
        {
            spec.Diagnostics.Error(spec.LocationOf("schema"), "is required (for example schema: {name: OpenAI})");
            schema = new SchemaConfig(string.Empty, null, null, spec.Location);
        }
        else
        {
            schema = new SchemaConfig(
                schemaNode.String("name", required: true) ?? string.Empty,
                schemaNode.String("version"),
                schemaNode.String("prefix"),
                schemaNode.LocationOf("name"));
            schemaNode.WarnUnread();
        }

        var backendRefNode = spec.Mapping("backendRef");
        if (backendRefNode is null)
        {
            spec.Diagnostics.Error(spec.LocationOf("backendRef"), "is required: the gateway.envoyproxy.io Backend to send traffic to");
        }

        var backendRef = CommonParsers.ObjectRef(backendRefNode);
        var headerMutation = CommonParsers.HeaderMutation(spec);
        var bodyMutation = CommonParsers.BodyMutation(spec);
        spec.WarnUnread();
        return new AIServiceBackendConfig(meta, schema, backendRef, headerMutation, bodyMutation);
    }
}
