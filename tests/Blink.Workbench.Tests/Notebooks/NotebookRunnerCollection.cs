namespace Blink.Workbench.Tests.Notebooks;

/// <summary>
/// Each notebook run starts a .NET Interactive kernel (a process of its own, about 1 GB with libtorch); on a 2-core
/// machine they take turns, after the parallel tests, and never compete with each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookRunnerCollection
{
    public const string Name = "Notebook runner";
}
