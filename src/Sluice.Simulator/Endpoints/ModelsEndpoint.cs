using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.Simulator.Buffers;

namespace Sluice.Simulator.Endpoints;

/// <summary>GET /v1/models and GET /v1/models/{id}: the simulated model list (any model name is still served).</summary>
internal static class ModelsEndpoint
{
    /// <summary>2025-01-01T00:00:00Z, a fixed "created" so the list is byte-for-byte stable.</summary>
    public const long Created = 1735689600;

    public static readonly IReadOnlyList<string> ModelIds = ["sluice-sim", "sluice-sim-large", "sluice-sim-embedding"];

    private static readonly JsonEncodedText s_owner = JsonEncodedText.Encode("sluice");

    public static async Task ListAsync(HttpContext context)
    {
        using var body = new PooledBufferWriter(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Object, JsonNames.ListObject);
            writer.WriteStartArray(JsonNames.Data);
            for (int i = 0; i < ModelIds.Count; i++)
            {
                WriteModel(writer, ModelIds[i]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await JsonResponse.SendAsync(context, StatusCodes.Status200OK, body);
    }

    public static async Task GetAsync(HttpContext context, string id)
    {
        if (!Contains(id))
        {
            await ErrorResponder.WriteAsync(context, ErrorResponder.ModelNotFound(id));
            return;
        }

        using var body = new PooledBufferWriter(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            WriteModel(writer, id);
        }

        await JsonResponse.SendAsync(context, StatusCodes.Status200OK, body);
    }

    private static bool Contains(string id)
    {
        for (int i = 0; i < ModelIds.Count; i++)
        {
            if (string.Equals(ModelIds[i], id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteModel(Utf8JsonWriter writer, string id)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, id);
        writer.WriteString(JsonNames.Object, JsonNames.ModelObject);
        writer.WriteNumber(JsonNames.Created, Created);
        writer.WriteString(JsonNames.OwnedBy, s_owner);
        writer.WriteEndObject();
    }
}
