using System.Text;
using Microsoft.ML.Tokenizers;

namespace Sluice.Usage.Tokenizing;

/// <summary>Holds Sluice's counter to Microsoft.ML.Tokenizers' o200k_base: the same token ids for every text.</summary>
public sealed class O200kTokenCounterTests
{
    private static readonly Lazy<O200kTokenCounter> Counter = new(O200kTokenCounter.Load);
    private static readonly Lazy<Tokenizer> Library = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static TheoryData<string> Texts => new()
    {
        "",
        "Hello, world!",
        "Say hi",
        "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX'S DOG'LL JUMP.",
        "I'm sure they'll say we've done it; you'd think it's theirs. DON'T SHOUT, I'M HERE.",
        "    indented\n\n\n\ttabs\r\n\r\nwindows line ends  \n   ",
        "1234567890 3.14159 -42 1e10 ١٢٣٤ ⅓",
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}",
        "public static int Main(string[] args) { return args.Length > 0 ? 1 : 0; } // C#",
        "café naïve résumé Ångström Straße ﬁnance",
        "你好，世界！这是一个测试。日本語のテキストも。한국어 텍스트.",
        "Привет, мир! Ελληνικά. مرحبا بالعالم. שלום עולם. नमस्ते दुनिया",
        "emoji 🙂👍🏽👨‍👩‍👧‍👦🇺🇸 and ☕ and ❤️",
        "combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0357",
        "<|endoftext|>",
        "hi <|endoftext|> there<|endofprompt|>",
        "<|endof <|endoftext <| |> <<|endoftext|>>",
        "!!!???...,,,;;;:::---___===+++***&&&^^^%%%$$$###@@@~~~```",
        "https://example.com/path?query=1&other=two#fragment",
        "\u00a0non-breaking\u2003em-space\u3000ideographic",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void EncodeToIds_Text_MatchesTheLibrary(string text) =>
        Assert.Equal(Library.Value.EncodeToIds(text), Counter.Value.EncodeToIds(text));

    [Fact]
    public void EncodeToIds_RandomTextsFromManyScripts_MatchTheLibrary()
    {
        string[] alphabet =
        [
            "a", "b", "e", "t", "Z", "Q", "'", "'s", "'LL", " ", "  ", "\n", "\r\n", "\t", "0", "7", "42", ".", ",", "!", "?",
            "/", "-", "_", "(", ")", "{", "}", "\"", "é", "ß", "Ω", "ж", "你", "好", "の", "한", "ب", "ק", "ह", "\u0301",
            "🙂", "👍🏽", "\u200d", "\u00a0", "<|", "|>", "<|endoftext|>", "1/2", "™", "€", "ǅ", "ʰ",
        ];
        var random = new Random(20261125);
        for (var i = 0; i < 3_000; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(0, 60);
            for (var j = 0; j < length; j++)
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var s = text.ToString();
            Assert.True(Library.Value.EncodeToIds(s).SequenceEqual(Counter.Value.EncodeToIds(s)), $"text {i}: {s}");
        }
    }

    [Fact]
    public void EncodeToIds_LongProse_MatchesTheLibrary()
    {
        var words = "tokenizer gateway Azure Bedrock streaming latency unbelievably antidisestablishmentarianism"
            + " supercalifragilistic pneumonoultramicroscopic xylophone quizzically";
        var text = string.Join(' ', Enumerable.Repeat(words, 200));

        Assert.Equal(Library.Value.EncodeToIds(text), Counter.Value.EncodeToIds(text));
        Assert.Equal(Library.Value.CountTokens(text), Counter.Value.CountTokens(text));
    }

    [Theory]
    [InlineData('!')]
    [InlineData('x')]
    [InlineData('你')]
    public void CountTokens_OneVeryLongPiece_MatchesTheLibrary(char repeated)
    {
        // One pre-tokenizer piece that is no token: the merge's worst case. The library's merge is quadratic (20,000
        // CJK characters take it about 0.6 s, 50,000 about 4 s); TokenCountingBenchmarks measures both.
        var text = new string(repeated, 20_000);

        Assert.Equal(Library.Value.CountTokens(text), Counter.Value.CountTokens(text));
    }

    [Fact]
    public void Load_TheVocabulary_HasEveryOrdinaryToken() =>
        Assert.Equal(199_998, Counter.Value.Ranks.Count);
}
