using System.CommandLine;
using Sluice.Cli.Commands;

var root = new RootCommand("Sluice: an AI gateway that runs Envoy AI Gateway configuration.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    SimulateCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
