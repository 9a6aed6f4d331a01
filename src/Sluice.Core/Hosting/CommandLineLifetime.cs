using Microsoft.Extensions.Hosting;

namespace Sluice.Hosting;

/// <summary>
/// A host lifetime that leaves Ctrl+C and SIGTERM to the command (which owns both listeners and stops them
/// together). The default console lifetime would let each host swallow the signal on its own.
/// </summary>
internal sealed class CommandLineLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
