using System.Globalization;

namespace Sluice.LoadTools.Report;

/// <summary>Number formatting for the markdown report.</summary>
internal static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Microseconds as "85 µs" or "1.23 ms"; signed when <paramref name="signed"/>.</summary>
    public static string Us(double microseconds, bool signed = false)
    {
        if (double.IsNaN(microseconds))
        {
            return "n/a";
        }

        var sign = signed && microseconds > 0 ? "+" : string.Empty;
        return Math.Abs(microseconds) < 1000
            ? sign + microseconds.ToString("0", Invariant) + " µs"
            : sign + (microseconds / 1000).ToString("0.00", Invariant) + " ms";
    }

    public static string Count(double value) => double.IsNaN(value) ? "n/a" : value.ToString("N0", Invariant);

    public static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : value.ToString("0.00", Invariant) + "×";

    public static string Percent(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0", Invariant) + " %";

    /// <summary>Bytes as decimal megabytes (1 MB = 1,000,000 bytes), as the targets are stated.</summary>
    public static string Mb(long bytes) => bytes <= 0 ? "n/a" : (bytes / 1e6).ToString("0.0", Invariant) + " MB";

    public static string Bytes(double bytes) => double.IsNaN(bytes) ? "n/a" : bytes.ToString("N0", Invariant) + " B";

    public static string Ns(double nanoseconds) => nanoseconds < 1000
        ? nanoseconds.ToString("0.0", Invariant) + " ns"
        : (nanoseconds / 1000).ToString("0.00", Invariant) + " µs";
}
