namespace Blink.Workbench.Training;

/// <summary>Linear warm-up, then cosine decay to a floor (10% of the peak).</summary>
public static class CosineSchedule
{
    public static double At(int step, int totalSteps, int warmupSteps, double peak, double floorFraction = 0.1)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        var progress = Math.Clamp((double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps), 0, 1);
        var floor = peak * floorFraction;
        return floor + (peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
