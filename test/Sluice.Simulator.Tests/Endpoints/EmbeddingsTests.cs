using System.Buffers.Binary;
using System.Text.Json;
using Sluice.Simulator.Generation;
using Sluice.Simulator.TestSupport;

namespace Sluice.Simulator.Endpoints;

public class EmbeddingsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task StringInput_ReturnsOneUnitVectorOf256Floats()
    {
        JsonElement body = await EmbedAsync("""{"model":"text-embedding-3-small","input":"How do I reset my password?"}""");

        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("text-embedding-3-small", body.GetProperty("model").GetString());
        JsonElement item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", item.GetProperty("object").GetString());
        Assert.Equal(0, item.GetProperty("index").GetInt32());
        float[] vector = Floats(item.GetProperty("embedding"));
        Assert.Equal(256, vector.Length);
        AssertUnitLength(vector);

        int tokens = TokenCounter.Count("How do I reset my password?");
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Base64_DecodesToTheSameLittleEndianFloats()
    {
        JsonElement floats = await EmbedAsync("""{"model":"m","input":"same text","dimensions":64}""");
        JsonElement base64 = await EmbedAsync("""{"model":"m","input":"same text","dimensions":64,"encoding_format":"base64"}""");

        float[] expected = Floats(floats.GetProperty("data")[0].GetProperty("embedding"));
        byte[] bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(64 * sizeof(float), bytes.Length);
        var decoded = new float[64];
        for (int i = 0; i < decoded.Length; i++)
        {
            decoded[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        Assert.Equal(expected, decoded);
    }

    [Fact]
    public async Task ArrayInputs_OneVectorEach_DeterministicPerInput()
    {
        JsonElement body = await EmbedAsync("""{"model":"m","input":["alpha","beta","alpha"]}""");
        JsonElement data = body.GetProperty("data");
        Assert.Equal(3, data.GetArrayLength());
        Assert.Equal(2, data[2].GetProperty("index").GetInt32());

        float[] alpha = Floats(data[0].GetProperty("embedding"));
        Assert.Equal(alpha, Floats(data[2].GetProperty("embedding")));
        Assert.NotEqual(alpha, Floats(data[1].GetProperty("embedding")));
    }

    [Theory]
    [InlineData("""[4438,656,358,7738]""", 1, 4)]
    [InlineData("""[[1,2],[3,4,5]]""", 2, 5)]
    public async Task TokenInputs_CountOneTokenPerId(string input, int vectors, int tokens)
    {
        JsonElement body = await EmbedAsync("{\"model\":\"m\",\"input\":" + input + "}");
        Assert.Equal(vectors, body.GetProperty("data").GetArrayLength());
        Assert.Equal(tokens, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"m","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"m","input":"x","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"m"}""", "input")]
    [InlineData("""{"model":"m","input":[]}""", "input")]
    public async Task InvalidRequests_Are400(string json, string param)
    {
        JsonElement body = await SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/embeddings", json), 400);
        Assert.Equal(param, body.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    private static float[] Floats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement value in array.EnumerateArray())
        {
            values[i++] = value.GetSingle();
        }

        return values;
    }

    private static void AssertUnitLength(float[] vector)
    {
        double sum = 0;
        foreach (float value in vector)
        {
            sum += value * value;
        }

        Assert.InRange(Math.Sqrt(sum), 0.999, 1.001);
    }

    private Task<JsonElement> EmbedAsync(string json) =>
        SimulatorHttp.SendJsonAsync(Client, SimulatorHttp.Post("v1/embeddings", json));
}
