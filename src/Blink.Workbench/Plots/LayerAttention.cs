namespace Blink.Workbench.Plots;

/// <summary>An attention (saliency) grid over the image tokens for one decoder layer, e.g. 24 × 24, row 0 = top.</summary>
/// <param name="Layer">Decoder layer index (shown as "layer N").</param>
/// <param name="Grid">Saliency per visual token, [rows, cols].</param>
/// <param name="Caption">Optional extra text under the layer name, e.g. "ρ = 0.41".</param>
public sealed record LayerAttention(int Layer, float[,] Grid, string? Caption = null);
