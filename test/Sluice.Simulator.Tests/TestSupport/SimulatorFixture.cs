namespace Sluice.Simulator.TestSupport;

/// <summary>One simulator with default options, shared by the tests of a class.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    private SimulatorServer? _server;

    internal SimulatorServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public HttpClient Client { get; private set; } = new();

    public async Task InitializeAsync()
    {
        _server = await SimulatorServer.StartAsync(new SimulatorOptions());
        Client = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
