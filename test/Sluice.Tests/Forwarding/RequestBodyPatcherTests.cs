using System.Text;
using Sluice.Model;

namespace Sluice.Forwarding;

public sealed class RequestBodyPatcherTests
{
    [Fact]
    public void Patch_ModelOverride_ReplacesOnlyTheModel()
    {
        const string body = """{"model":"gpt-4o","messages":[{"role":"user","content":"h\u00e9 \"x\""}],"temperature":0.50}""";

        var patched = Patch(body, "my-deployment", BodyMutationModel.Empty);

        Assert.Equal("""{"model":"my-deployment","messages":[{"role":"user","content":"h\u00e9 \"x\""}],"temperature":0.50}""", patched);
    }

    [Fact]
    public void Patch_SetAndRemove_TopLevelFields()
    {
        var mutation = new BodyMutationModel(
            [new("temperature", "0.2"u8.ToArray()), new("service_tier", "\"flex\""u8.ToArray())],
            ["user"]);

        var patched = Patch("""{"model":"m","temperature":1,"user":"u1","n":1}""", null, mutation);

        Assert.Equal("""{"model":"m","temperature":0.2,"n":1,"service_tier":"flex"}""", patched);
    }

    [Theory]
    [InlineData("""{"model":"m","stream":true}""", """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"model":"m","stream_options":{"include_obfuscation":false},"stream":true}""", """{"model":"m","stream_options":{"include_usage":true,"include_obfuscation":false},"stream":true}""")]
    [InlineData("""{"model":"m","stream_options":{"include_usage":false}}""", """{"model":"m","stream_options":{"include_usage":true}}""")]
    public void Patch_EnsureIncludeUsage_AddsOrMergesStreamOptions(string body, string expected)
    {
        using var output = new PooledBufferWriter();
        RequestBodyPatcher.Patch(Encoding.UTF8.GetBytes(body), null, BodyMutationModel.Empty, output, ensureIncludeUsage: true);

        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Patch_UnreadablePropertyNames_AreCopiedAsSent()
    {
        const string body = """{"\ud800":1,"model":"m","stream_options":{"\udc00":"x"},"mess\u0061ges":[{"content":"a\ud83d"}],"\udc01" : [ 1 ],"user":"u","stream":true}""";
        var mutation = new BodyMutationModel([new("temperature", "0.2"u8.ToArray())], ["user"]);
        using var output = new PooledBufferWriter();

        RequestBodyPatcher.Patch(Encoding.UTF8.GetBytes(body), "deployment", mutation, output, ensureIncludeUsage: true);

        Assert.Equal(
            """{"\ud800":1,"model":"deployment","stream_options":{"include_usage":true,"\udc00":"x"},"messages":[{"content":"a\ud83d"}],"\udc01" : [ 1 ],"stream":true,"temperature":0.2}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Patch_EnsureIncludeUsage_YieldsToAMutationOfStreamOptions()
    {
        var mutation = new BodyMutationModel([], ["stream_options"]);
        using var output = new PooledBufferWriter();
        RequestBodyPatcher.Patch("""{"model":"m","stream_options":{"include_usage":false}}"""u8, null, mutation, output, ensureIncludeUsage: true);

        Assert.Equal("""{"model":"m"}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void NeedsPatch_NothingToChange_IsFalse()
    {
        Assert.False(RequestBodyPatcher.NeedsPatch(null, BodyMutationModel.Empty));
    }

    private static string Patch(string body, string? model, BodyMutationModel mutation)
    {
        using var output = new PooledBufferWriter();
        RequestBodyPatcher.Patch(Encoding.UTF8.GetBytes(body), model, mutation, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
