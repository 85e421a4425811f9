namespace Blink.Workbench.IO;

/// <summary>Reported after each tensor is loaded: how far the load is, by tensors and by bytes read.</summary>
public sealed record CheckpointLoadProgress(int Done, int Total, long BytesDone, long BytesTotal, string Key)
{
    public double Fraction => BytesTotal == 0 ? 1 : (double)BytesDone / BytesTotal;

    public override string ToString() => $"{Done}/{Total} tensors, {BytesDone / 1e6:F0}/{BytesTotal / 1e6:F0} MB ({Key})";
}
