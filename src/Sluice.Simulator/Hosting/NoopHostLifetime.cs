using Microsoft.Extensions.Hosting;

namespace Sluice.Simulator.Hosting;

/// <summary>
/// Replaces the console lifetime: the simulator runs inside other processes (the gateway, test hosts), so its
/// owner, not Ctrl+C, decides when it stops.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
