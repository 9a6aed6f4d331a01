using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sluice.Translation;

/// <summary>How translated bodies are written: UTF-8 text as is (a model's answer is not HTML to escape).</summary>
internal static class TranslationJson
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
