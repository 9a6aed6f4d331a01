using System.Text;
using Sluice.Simulator.Generation;

namespace Sluice.Simulator.Generation;

public class VocabularyTests
{
    [Fact]
    public void EveryPiece_IsExactlyOneO200kToken()
    {
        for (int piece = 0; piece < Vocabulary.Count; piece++)
        {
            string text = Vocabulary.Text(piece);
            Assert.True(TokenCounter.Count(text) == 1, $"Piece {piece} '{text}' is not a single o200k_base token.");
        }
    }

    [Fact]
    public void GeneratedText_TokenCount_EqualsPieceCount()
    {
        var text = new StringBuilder();
        for (ulong seed = 0; seed < 2000; seed++)
        {
            int natural = 1 + (int)(seed % 90);
            int length = seed % 3 == 0 ? natural : 1 + (int)(seed % (ulong)natural);
            text.Clear();
            var generator = new TextGenerator(seed * 0x9E3779B97F4A7C15UL, natural);
            for (int i = 0; i < length; i++)
            {
                text.Append(Vocabulary.Text(generator.NextPiece()));
            }

            Assert.True(
                TokenCounter.Count(text.ToString()) == length,
                $"Seed {seed}: '{text}' should be {length} tokens.");
        }
    }

    [Fact]
    public void TextGenerator_SameSeed_SameText_AndNaturalEndIsAPeriod()
    {
        string first = Generate(42, 30, 30);
        Assert.Equal(first, Generate(42, 30, 30));
        Assert.NotEqual(first, Generate(43, 30, 30));
        Assert.EndsWith(".", first, StringComparison.Ordinal);
        Assert.False(char.IsWhiteSpace(first[0]));
        Assert.StartsWith(Generate(42, 30, 10), first, StringComparison.Ordinal);
    }

    [Fact]
    public void StableHash_IsStableAcrossProcesses()
    {
        // FNV-1a 64 of "a" (UTF-16 code unit 0x61) is a published constant.
        Assert.Equal(0xAF63DC4C8601EC8CUL, StableHash.Append(StableHash.Initial, "a"));
    }

    private static string Generate(ulong seed, int natural, int length)
    {
        var text = new StringBuilder();
        var generator = new TextGenerator(seed, natural);
        for (int i = 0; i < length; i++)
        {
            text.Append(Vocabulary.Text(generator.NextPiece()));
        }

        return text.ToString();
    }
}
