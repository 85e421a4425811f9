using Blink.Workbench.Models;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>The llava-tiny-hf fixture loaded once through <see cref="ModelBundle.Load"/> (fp32, CPU) for a test class.</summary>
public sealed class LoadedFixture : IDisposable
{
    public LoadedFixture() => Bundle = ModelBundle.Load(GoldenReference.Folder);

    public ModelBundle Bundle { get; }

    public void Dispose() => Bundle.Dispose();
}
