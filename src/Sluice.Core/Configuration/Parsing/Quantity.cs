using System.Globalization;

namespace Sluice.Configuration.Parsing;

/// <summary>Parses Kubernetes resource quantities used for sizes: <c>50Mi</c>, <c>32Ki</c>, <c>1G</c>, <c>1048576</c>.</summary>
internal static class Quantity
{
    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var span = text.AsSpan().Trim();
        var digits = 0;
        while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
        {
            digits++;
        }

        if (digits == 0 || !decimal.TryParse(span[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        decimal multiplier = span[digits..] switch
        {
            "" => 1m,
            "k" or "K" => 1_000m,
            "M" => 1_000_000m,
            "G" => 1_000_000_000m,
            "Ki" => 1024m,
            "Mi" => 1024m * 1024,
            "Gi" => 1024m * 1024 * 1024,
            _ => -1m,
        };
        if (multiplier < 0)
        {
            return false;
        }

        var result = number * multiplier;
        if (result > long.MaxValue)
        {
            return false;
        }

        bytes = (long)result;
        return true;
    }
}
