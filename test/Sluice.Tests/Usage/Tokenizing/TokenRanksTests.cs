using System.IO.Compression;
using System.Text;

namespace Sluice.Usage.Tokenizing;

public sealed class TokenRanksTests
{
    [Fact]
    public void ReadDeflated_TokensWithAndWithoutRanks_FindsEachByItsBytes()
    {
        var ranks = TokenRanks.ReadDeflated(Deflated("Capacity: 4\nYQ== 0\nYg==\r\nYWI= 2\n"));

        Assert.Equal(3, ranks.Count);
        Assert.True(ranks.TryGetRank("ab"u8, out var ab));
        Assert.Equal(2, ab);
        Assert.True(ranks.TryGetRank("b"u8, out var b));
        Assert.Equal(1, b);
        Assert.False(ranks.TryGetRank("ba"u8, out _));
        Assert.Equal("ab"u8, ranks.Token(2));
    }

    [Theory]
    [InlineData("YQ==\n!!notbase64\n", "token 1 is not base64")]
    [InlineData("YQ== 0\nYg== 5\n", "token 1: ranks must run 0, 1, 2, ... in line order")]
    [InlineData("YQ==\nYQ==\n", "token 1 repeats token 0")]
    public void ReadDeflated_BrokenData_SaysWhichToken(string text, string error) =>
        Assert.Equal(error, Assert.Throws<InvalidDataException>(() => TokenRanks.ReadDeflated(Deflated(text))).Message);

    [Fact]
    public void ReadDeflated_ALineLongerThanAPiece_IsRefused() =>
        Assert.Equal("token 1: a line longer than 65536 bytes", Assert.Throws<InvalidDataException>(
            () => TokenRanks.ReadDeflated(Deflated("YQ==\n" + new string('A', 70_000) + "\n"))).Message);

    [Fact]
    public void ReadDeflated_NoLineEndAtTheEnd_ReadsTheLastToken()
    {
        var ranks = TokenRanks.ReadDeflated(Deflated("YQ==\nYg=="));

        Assert.True(ranks.TryGetRank("b"u8, out var b));
        Assert.Equal(1, b);
    }

    private static MemoryStream Deflated(string text)
    {
        var stream = new MemoryStream();
        using (var deflate = new DeflateStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(text));
        }

        stream.Position = 0;
        return stream;
    }
}
