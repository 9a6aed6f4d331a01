using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sluice.Simulator.Requests;

/// <summary>
/// A required prompt-like field (<c>prompt</c> for completions, <c>input</c> for embeddings): present once it has
/// been seen, even as null, which <see cref="PromptInputParser"/> rejects.
/// </summary>
internal struct PromptInputs(string param)
{
    private readonly List<PromptInput> _items = new(1);
    private bool _seen;

    /// <summary>The reader is on the property name; it ends on the value's last token.</summary>
    public bool TryRead(ref Utf8JsonReader reader, out RequestError error)
    {
        _seen = true;
        return PromptInputParser.TryRead(ref reader, param, _items, out error);
    }

    /// <summary>The inputs read, or the missing-parameter error when the field never appeared.</summary>
    public readonly bool TryGet([NotNullWhen(true)] out IReadOnlyList<PromptInput>? inputs, out RequestError error)
    {
        if (!_seen)
        {
            inputs = null;
            error = RequestError.MissingParameter(param);
            return false;
        }

        inputs = _items;
        error = default;
        return true;
    }

    /// <summary>The sum of the inputs' token counts (usage's prompt_tokens).</summary>
    public static int TotalTokens(IReadOnlyList<PromptInput> inputs)
    {
        int total = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            total += inputs[i].Tokens;
        }

        return total;
    }
}
