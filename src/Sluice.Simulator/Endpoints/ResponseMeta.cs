using System.Globalization;
using System.Text.Json;

namespace Sluice.Simulator.Endpoints;

/// <summary>The fields every response and chunk of one request repeats, encoded once.</summary>
internal readonly record struct ResponseMeta(JsonEncodedText Id, long Created, JsonEncodedText Model)
{
    public const string ChatIdPrefix = "chatcmpl-sim-";
    public const string CompletionIdPrefix = "cmpl-sim-";

    private static readonly string s_processNonce =
        Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);

    private static long s_counter;

    /// <summary>Ids look like <c>chatcmpl-sim-3fa91c000000000000002a</c>: unique per process and request.</summary>
    public static ResponseMeta Create(string idPrefix, string model, long created)
    {
        long sequence = Interlocked.Increment(ref s_counter);
        string id = string.Concat(idPrefix, s_processNonce, sequence.ToString("x16", CultureInfo.InvariantCulture));
        return new ResponseMeta(JsonEncodedText.Encode(id), created, JsonEncodedText.Encode(model));
    }
}
