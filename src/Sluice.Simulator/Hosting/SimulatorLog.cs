using Microsoft.Extensions.Logging;

namespace Sluice.Simulator.Hosting;

/// <summary>The simulator's log events. Only warnings and above reach the console by default.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Simulator listening on {Address}")]
    public static partial void Listening(ILogger logger, Uri address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Injected fault {Fault} into {Method} {Path}")]
    public static partial void FaultInjected(ILogger logger, string fault, string method, string? path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Rejected {Method} {Path} with {Status}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string method, string? path, int status, string reason);

    [LoggerMessage(
        EventId = 4,
        Level = LogLevel.Debug,
        Message = "Stream ended after {Chunks} content chunks because the client went away or the server is stopping")]
    public static partial void StreamCancelled(ILogger logger, int chunks);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Simulator failed to stop cleanly")]
    public static partial void StopFailed(ILogger logger, Exception exception);

    /// <summary>Names the resource only: the token itself is never logged.</summary>
    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Issued a managed identity token for {Resource}")]
    public static partial void ManagedIdentityTokenIssued(ILogger logger, string resource);
}
