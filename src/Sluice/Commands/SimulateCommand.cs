using System.CommandLine;
using Sluice.Simulator;

namespace Sluice.Cli.Commands;

/// <summary><c>sluice simulate</c>: a deterministic offline OpenAI-compatible model server (see docs/simulator.md).</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port to listen on", DefaultValueFactory = static _ => 8080 };
        var address = new Option<string>("--address") { Description = "Address to bind", DefaultValueFactory = static _ => "127.0.0.1" };
        var rate = new Option<double>("--tokens-per-second") { Description = "Generation pace in tokens per second (streams and non-streaming answers); 0 is as fast as possible", DefaultValueFactory = static _ => 0 };
        var command = new Command("simulate", "Serve a simulated OpenAI-compatible model: deterministic text, real usage numbers, fault injection by header.")
        {
            port, address, rate,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SimulatorOptions { Host = parse.GetValue(address)!, Port = parse.GetValue(port), TokensPerSecond = parse.GetValue(rate) };
            await using var server = await SimulatorServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Sluice simulator listening on {server.BaseAddress} (Ctrl+C to stop)");
            try
            {
                await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C
            }

            return 0;
        });
        return command;
    }
}
