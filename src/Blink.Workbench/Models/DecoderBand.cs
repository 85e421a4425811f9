namespace Blink.Workbench.Models;

/// <summary>A contiguous range of decoder layers, both ends included.</summary>
public readonly record struct DecoderBand(int FirstLayer, int LastLayer)
{
    public IEnumerable<int> Layers => Enumerable.Range(FirstLayer, LastLayer - FirstLayer + 1);

    /// <summary>
    /// The middle of the decoder, where the answer position's attention finds the evidence: layers 12–18 of LLaMA-7B's
    /// 32, scaled to the model's depth, with at least one layer after the band (a decision there needs a later layer).
    /// Blink scans these layers, and the embedded model's grounding loss acts on them.
    /// </summary>
    public static DecoderBand Middle(int decoderLayers)
    {
        var first = (int)Math.Round(12.0 * decoderLayers / 32);
        var last = Math.Max(first, (int)Math.Round(18.0 * decoderLayers / 32));
        last = Math.Min(last, decoderLayers - 2);
        first = Math.Min(first, last);
        return new DecoderBand(first, last);
    }
}
