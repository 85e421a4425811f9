namespace Blink.Workbench.Tests;

/// <summary>
/// Tests that change TorchSharp's process-wide state (default device, seeds) or measure tensor lifetimes run alone.
/// </summary>
[CollectionDefinition("Torch", DisableParallelization = true)]
public sealed class TorchCollection;
