using System.IO.Pipelines;

namespace Sluice.Simulator.Requests;

/// <summary>Buffers a whole request body in the request pipe, without copying it.</summary>
internal static class RequestBodyReader
{
    /// <summary>
    /// Reads until the body is complete. The caller parses <see cref="ReadResult.Buffer"/> and then must call
    /// <c>reader.AdvanceTo(result.Buffer.End)</c>.
    /// </summary>
    public static async ValueTask<ReadResult> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted || result.IsCanceled)
            {
                return result;
            }

            // Consume nothing, examine everything: the next read returns once more bytes arrive.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
