namespace Blink.Workbench.Plots;

/// <summary>Loss of one training run; validation points are optional and may be sparser than the training steps.</summary>
public sealed record LossRun(string Name, double[] Steps, double[] TrainLoss, double[]? ValidationSteps = null, double[]? ValidationLoss = null);

/// <summary>Training loss curves: one colour per run, training solid, validation dashed with markers.</summary>
public static class LossCurveChart
{
    public static Figure Create(IReadOnlyList<LossRun> runs, string title = "Training loss", string yTitle = "loss", string xTitle = "step")
    {
        var series = new List<ChartSeries>();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var color = Palette.At(i);
            series.Add(new XYSeries { Name = $"{run.Name} · train", X = run.Steps, Y = run.TrainLoss, Color = color, LineWidth = 1.8 });
            if (run.ValidationSteps is { } vs && run.ValidationLoss is { } vl)
                series.Add(new XYSeries
                {
                    Name = $"{run.Name} · val", X = vs, Y = vl, Color = color, Dashed = true, Mode = LineMode.LinesAndMarkers,
                    Marker = MarkerShape.Square, MarkerSize = 6,
                });
        }
        return Figure.Single(new ChartPanel
        {
            XAxis = new AxisSpec { Title = xTitle },
            YAxis = new AxisSpec { Title = yTitle },
            Series = series,
        }, title, 820, 460);
    }
}
