using System.Text;
using System.Text.Json;

namespace Sluice.Simulator.Generation;

/// <summary>
/// The fixed set of text pieces answers are made of. Every piece is exactly one o200k_base token, and pieces
/// never merge with their neighbours (each word carries its own leading space; punctuation splits off), so the
/// token count of a generated answer equals the number of pieces, which equals the number of streamed chunks.
/// <c>VocabularyTests</c> checks both claims against the real tokenizer.
/// </summary>
internal static class Vocabulary
{
    public const int Period = 0;
    public const int Comma = 1;

    private static readonly string[] s_starters =
    [
        "The", "This", "It", "We", "You", "In", "A", "Our", "When", "Each", "Every", "Some", "Most", "Many",
        "That", "They", "Here", "There", "So", "Then", "After", "Before", "Today", "Often", "Still",
    ];

    private static readonly string[] s_words =
    [
        "time", "year", "people", "way", "day", "thing", "life", "world", "school", "state", "family", "group",
        "country", "problem", "hand", "part", "place", "case", "week", "company", "system", "program", "question",
        "work", "number", "night", "point", "home", "water", "room", "area", "money", "story", "fact", "month",
        "study", "book", "job", "word", "business", "issue", "side", "kind", "head", "house", "service", "friend",
        "power", "hour", "game", "line", "end", "member", "city", "community", "name", "team", "minute", "idea",
        "body", "information", "level", "office", "door", "health", "person", "art", "history", "result", "change",
        "morning", "reason", "research", "moment", "air", "teacher", "education", "river", "garden", "light",
        "music", "paper", "window", "table", "bridge", "signal", "cloud", "stone", "forest", "ocean", "mountain",
        "valley", "evening", "summer", "winter", "planet", "engine", "data", "model", "network", "server",
        "request", "token", "stream", "gateway", "route", "cache", "value", "field", "market", "price", "design",
        "good", "new", "first", "last", "long", "great", "little", "own", "other", "old", "big", "high",
        "different", "small", "large", "next", "early", "young", "important", "few", "public", "same", "able",
        "simple", "quiet", "bright", "careful", "steady", "gentle",
        "have", "do", "say", "go", "get", "make", "know", "think", "take", "see", "come", "want", "look", "use",
        "find", "give", "tell", "call", "try", "ask", "need", "feel", "become", "leave", "put", "mean", "keep",
        "let", "begin", "seem", "help", "talk", "turn", "start", "show", "hear", "play", "run", "move", "live",
        "believe", "hold", "bring", "happen", "write", "provide", "stand", "meet", "include", "continue", "set",
        "learn", "lead", "understand", "watch", "follow", "create", "speak", "read", "allow", "add", "grow",
        "open", "walk", "offer", "remember", "consider", "appear", "wait", "serve", "send", "expect", "build",
        "stay", "reach", "remain", "suggest", "raise", "pass", "require", "report", "decide",
        "and", "the", "of", "to", "in", "for", "on", "with", "at", "by", "from", "about", "into", "over", "after",
        "also", "just", "only", "very", "well", "then", "now", "even", "more", "most", "still", "often", "always",
        "never", "really", "quite", "simply", "clearly",
    ];

    /// <summary>Index of the first " Starter" piece (with a leading space, opens a later sentence).</summary>
    public static readonly int StarterBase = 2;

    /// <summary>Index of the first "Starter" piece (no leading space, opens the answer).</summary>
    public static readonly int OpeningBase = StarterBase + s_starters.Length;

    /// <summary>Index of the first " word" piece.</summary>
    public static readonly int WordBase = OpeningBase + s_starters.Length;

    public static readonly int StarterCount = s_starters.Length;
    public static readonly int WordCount = s_words.Length;
    public static readonly int Count = WordBase + s_words.Length;

    private static readonly string[] s_text = BuildText();
    private static readonly byte[][] s_utf8 = BuildUtf8();
    private static readonly JsonEncodedText[] s_json = BuildJson();

    /// <summary>The piece as UTF-8 (ASCII) bytes; needs no JSON escaping.</summary>
    public static ReadOnlySpan<byte> Utf8(int piece) => s_utf8[piece];

    /// <summary>The piece pre-encoded as a JSON string value.</summary>
    public static JsonEncodedText Json(int piece) => s_json[piece];

    public static string Text(int piece) => s_text[piece];

    private static string[] BuildText()
    {
        var text = new string[Count];
        text[Period] = ".";
        text[Comma] = ",";
        for (int i = 0; i < s_starters.Length; i++)
        {
            text[StarterBase + i] = " " + s_starters[i];
            text[OpeningBase + i] = s_starters[i];
        }

        for (int i = 0; i < s_words.Length; i++)
        {
            text[WordBase + i] = " " + s_words[i];
        }

        return text;
    }

    private static byte[][] BuildUtf8()
    {
        var utf8 = new byte[s_text.Length][];
        for (int i = 0; i < s_text.Length; i++)
        {
            utf8[i] = Encoding.UTF8.GetBytes(s_text[i]);
        }

        return utf8;
    }

    private static JsonEncodedText[] BuildJson()
    {
        var json = new JsonEncodedText[s_text.Length];
        for (int i = 0; i < s_text.Length; i++)
        {
            json[i] = JsonEncodedText.Encode(s_text[i]);
        }

        return json;
    }
}
