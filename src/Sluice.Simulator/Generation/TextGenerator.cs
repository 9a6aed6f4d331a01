namespace Sluice.Simulator.Generation;

/// <summary>
/// Produces the pieces of a deterministic answer, one <see cref="Vocabulary"/> index at a time: sentences of 5
/// to 12 words, the odd comma, and a closing period on the last piece of the natural length. A shorter
/// max_tokens yields a prefix of the same text.
/// </summary>
internal struct TextGenerator
{
    private SplitMix64 _random;
    private readonly int _naturalLength;
    private int _position;
    private int _wordsLeft;
    private bool _sentenceStart;
    private bool _previousWasWord;

    public TextGenerator(ulong seed, int naturalLength)
    {
        _random = new SplitMix64(seed);
        _naturalLength = naturalLength;
        _sentenceStart = true;
    }

    public int NextPiece()
    {
        int position = _position++;
        if (position == 0)
        {
            return StartSentence(Vocabulary.OpeningBase);
        }

        // Commas never come within two pieces of the end, so this period never follows one (",." is one token).
        if (position == _naturalLength - 1)
        {
            return Vocabulary.Period;
        }

        if (_sentenceStart)
        {
            return StartSentence(Vocabulary.StarterBase);
        }

        if (_wordsLeft <= 0 && _previousWasWord && position < _naturalLength - 3)
        {
            _sentenceStart = true;
            _previousWasWord = false;
            return Vocabulary.Period;
        }

        _wordsLeft--;
        if (_previousWasWord && _wordsLeft > 2 && position < _naturalLength - 2 && _random.NextInt(10) == 0)
        {
            _previousWasWord = false;
            return Vocabulary.Comma;
        }

        _previousWasWord = true;
        return Vocabulary.WordBase + _random.NextInt(Vocabulary.WordCount);
    }

    private int StartSentence(int starterBase)
    {
        _sentenceStart = false;
        _previousWasWord = false; // no comma or period straight after the opening word
        _wordsLeft = _random.NextInt(5, 12);
        return starterBase + _random.NextInt(Vocabulary.StarterCount);
    }
}
