namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// Notebook runs set the process working directory to the notebook's folder (kernel semantics) and route Console
/// output, so these tests run on their own, after the parallel ones, and never disturb other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookRunnerCollection
{
    public const string Name = "Notebook runner";
}
