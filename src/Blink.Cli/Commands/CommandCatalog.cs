using System.CommandLine;

namespace Blink.Cli.Commands;

internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return BenchCommand.Create();
        yield return ChatCommand.Create();
        yield return StudyCommand.Create();
        yield return NotebooksCommand.Create();
        yield return TrainBaseCommand.Create();
        yield return PilotCommand.Create();
        yield return ReportCommand.Create();
        yield return TrainTokenSRCommand.Create();
        yield return CalibrateCommand.Create();
        yield return EvalCommand.Create();
        yield return BenchmarksCommand.Create();
        yield return TestbedCommand.Create();
        yield return ProbeCommand.Create();
    }
}
