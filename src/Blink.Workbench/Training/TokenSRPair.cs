using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Blink.Workbench.Training;

/// <summary>
/// Where one teacher/student pair came from: the sample (global index in the data source and its id), the Blink layer,
/// the p×p region (grid row/column of the region tiling), the original-image pixel box cropped for the teacher, whether
/// the region was drawn at random, and the layer's ρ on the full image.
/// </summary>
public sealed record TokenSRPairInfo(
    [property: JsonPropertyName("sample")] int Sample,
    [property: JsonPropertyName("id")] string SampleId,
    [property: JsonPropertyName("layer")] int Layer,
    [property: JsonPropertyName("row")] int Row,
    [property: JsonPropertyName("col")] int Col,
    [property: JsonPropertyName("box")] double[] Box,
    [property: JsonPropertyName("random")] bool Random,
    [property: JsonPropertyName("rho")] double Rho);

/// <summary>A pair's tensors: student [D, p, p] (full-image hidden states of the region) and teacher [D, s·p, s·p] (pooled crop hidden states), float32 CPU.</summary>
public sealed class TokenSRPair(TokenSRPairInfo info, Tensor student, Tensor teacher) : IDisposable
{
    public TokenSRPairInfo Info { get; } = info;
    public Tensor Student { get; } = student;
    public Tensor Teacher { get; } = teacher;

    public void Dispose()
    {
        Student.Dispose();
        Teacher.Dispose();
    }
}
