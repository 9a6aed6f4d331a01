namespace Sluice.Cli.Commands;

internal static class ExitCodes
{
    public const int Failure = 1;
    public const int InvalidConfig = 2;
}
