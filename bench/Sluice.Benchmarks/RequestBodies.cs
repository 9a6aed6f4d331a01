using System.Text;

namespace Sluice.Benchmarks;

/// <summary>The request bodies the benchmarks use: an ordinary chat request and a ~100 KB one.</summary>
public enum BodySize
{
    /// <summary>One short user message (about 100 bytes).</summary>
    Small,

    /// <summary>A long conversation, about 100 KB.</summary>
    Large100KB,
}

internal static class RequestBodies
{
    public const string Model = "model-5000";

    /// <summary>
    /// A chat completions body. <c>model</c> comes last, as several SDKs write it, so a reader that looks for it has
    /// to skip the whole conversation first (the worst case).
    /// </summary>
    public static byte[] Create(BodySize size)
    {
        var builder = new StringBuilder();
        builder.Append("{\"messages\":[");
        if (size == BodySize.Small)
        {
            builder.Append("{\"role\":\"user\",\"content\":\"Hello! How are you today?\"}");
        }
        else
        {
            var turn = 0;
            while (builder.Length < 100 * 1024)
            {
                if (turn > 0)
                {
                    builder.Append(',');
                }

                var role = turn % 2 == 0 ? "user" : "assistant";
                builder.Append("{\"role\":\"").Append(role).Append("\",\"content\":\"");
                for (var i = 0; i < 40; i++)
                {
                    builder.Append("The quick brown fox jumps over the lazy dog, turn ").Append(turn).Append(". ");
                }

                builder.Append("\"}");
                turn++;
            }
        }

        builder.Append("],\"temperature\":0.2,\"stream\":false,\"model\":\"").Append(Model).Append("\"}");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
