namespace Sluice.Simulator;

/// <summary>Process settings for a <see cref="SimulatorServer"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>
    /// The address to listen on: an IP literal (<c>127.0.0.1</c>, <c>::1</c>, <c>0.0.0.0</c>), <c>localhost</c>,
    /// or <c>*</c> for every interface. Host names are not resolved (the simulator never touches the network).
    /// </summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free ephemeral port (read it back from <see cref="SimulatorServer.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>
    /// Generation pace in tokens per second; 0 means as fast as possible. Streaming responses send one content
    /// chunk every 1/rate seconds; non-streaming responses wait completion_tokens/rate seconds before answering.
    /// </summary>
    public double TokensPerSecond { get; init; }

    /// <summary>
    /// The natural length, in tokens, of every simulated answer. A request's max_tokens (or
    /// max_completion_tokens) below this cuts the answer short with finish_reason "length".
    /// </summary>
    public int DefaultMaxTokens { get; init; } = 24;
}
