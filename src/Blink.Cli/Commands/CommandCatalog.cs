using System.CommandLine;

namespace Blink.Cli.Commands;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return BenchCommand.Create();
        yield return TrainBaseCommand.Create();
        yield return EvalCommand.Create();
        yield return BenchmarksCommand.Create();
    }
}
