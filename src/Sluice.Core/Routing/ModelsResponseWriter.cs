using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.ClientAuth;

namespace Sluice.Routing;

/// <summary>The GET /v1/models answer: <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>.</summary>
internal static class ModelsResponseWriter
{
    /// <summary>Renders the answer once (per config load for everyone, per request for one client's subset).</summary>
    public static ArrayBufferWriter<byte> Render(IReadOnlyList<ClientModelListing> models)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (models.Count * 96));
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (var model in models)
        {
            writer.WriteStartObject();
            writer.WriteString("id", model.Id);
            writer.WriteString("object", "model");
            writer.WriteNumber("created", model.Created);
            writer.WriteString("owned_by", model.OwnedBy);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    public static async Task WriteAsync(HttpResponse response, IReadOnlyList<ClientModelListing> models)
    {
        var buffer = Render(models);
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
    }
}
