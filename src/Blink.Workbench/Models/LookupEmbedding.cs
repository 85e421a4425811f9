using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Blink.Workbench.Models;

/// <summary>
/// A lookup table (<c>weight</c> [count, dim], checkpoint key <c>….weight</c>) used instead of <c>nn.Embedding</c>:
/// TorchSharp 0.107's Embedding is a native module that always allocates and randomly initialises its table on the CPU
/// in float32 before moving it, so a 7B model built on the meta device would still fill 525 MB of host memory with
/// random numbers and leave them for the finaliser. This one allocates where it is told. Initialisation is nn.Embedding's
/// (N(0, 1), same draws from the same generator), so seeded models are unchanged.
/// </summary>
public sealed class LookupEmbedding : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public LookupEmbedding(long count, long dim, Device? device = null) : base(nameof(LookupEmbedding))
    {
        using (torch.no_grad()) weight = nn.Parameter(torch.empty(count, dim, device: device).normal_());
        RegisterComponents();
    }

    public Tensor Weight => weight;

    /// <param name="ids">Integer ids of any shape.</param>
    /// <returns>[..ids.shape, dim] rows of the table.</returns>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var rows = weight.index_select(0, ids.reshape(-1));
        return rows.reshape([.. ids.shape, weight.shape[1]]).MoveToOuterDisposeScope();
    }
}
