namespace Blink.Workbench.IO;

/// <summary>
/// One checkpoint that supplies part of a module's state, with the map from its keys to module keys (null result =
/// not used by the module). A model whose weights live in two folders (the original LLaVA layout: language model and
/// projector in one, the CLIP tower in another) is loaded from two sources.
/// </summary>
public sealed record CheckpointSource(SafetensorsCheckpoint Checkpoint, Func<string, string?>? MapKey = null);
