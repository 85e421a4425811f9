using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.IO;
using Blink.Workbench.Models;
using Blink.Workbench.Training;
using Spectre.Console;

namespace Blink.Cli.Commands;

/// <summary><c>blink calibrate</c>: ρ quantiles at the Blink layers on held-out testbed items, and the chosen τ_exp / τ_drop.</summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var shared = new TokenSRCliShared();
        var device = new DeviceOptions();
        var samples = new Option<int>("--samples") { Description = "Validation samples to scan", DefaultValueFactory = _ => 200 };
        var target = new Option<double>("--target-share") { Description = "Share of (sample, layer) events that should expand", DefaultValueFactory = _ => 0.4 };
        var dropQuantile = new Option<double>("--drop-quantile") { Description = "τ_drop as this ρ quantile (default: half-way between uniform and τ_exp)", DefaultValueFactory = _ => -1 };
        var output = new Option<string>("--out") { Description = "Optional JSON with the thresholds and every ρ sample" };
        var command = new Command("calibrate", "Calibrate Blink's τ_exp and τ_drop from the ρ distribution of vanilla forwards.") { samples, target, dropQuantile, output };
        shared.AddTo(command);
        device.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var resolved = shared.Resolve(result);
            var (dev, dtype) = device.Resolve(result, resolved.ModelDir);
            if (result.GetValue(samples) is var sampleCount and < 1) throw new ArgumentException($"--samples must be ≥ 1, got {sampleCount}.");
            if (result.GetValue(target) is var share and (<= 0 or >= 1) || double.IsNaN(result.GetValue(target))) throw new ArgumentException($"--target-share must be in (0, 1), got {result.GetValue(target).ToString(CultureInfo.InvariantCulture)}.");
            var printer = new ProgressPrinter();
            var blink = resolved.Blink;
            using var bundle = ModelBundle.Load(resolved.ModelDir, dev, dtype, m => printer.Line(m, force: true), weightProgress: printer.Weights);
            var q = result.GetValue(dropQuantile);
            var options = new ThresholdCalibrationOptions { Blink = blink, TargetShare = result.GetValue(target), DropQuantile = q >= 0 ? q : null };
            var data = TokenSRCliShared.Testbed(bundle, TestbedSplit.Val, result.GetValue(samples));
            var r = ThresholdCalibration.Run(bundle, data, options, new SynchronousProgress<string>(m => printer.Line(m)));

            var table = new Table().AddColumn("layer").AddColumn("mean ρ");
            foreach (var name in r.Quantiles.Keys) table.AddColumn(name);
            string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
            foreach (var (layer, rho) in r.RhoByLayer.OrderBy(kv => kv.Key))
            {
                var sorted = rho.Order().ToArray();
                table.AddRow([layer.ToString(CultureInfo.InvariantCulture), F(rho.Average()), .. ThresholdCalibration.ReportedQuantiles.Select(x => F(ThresholdCalibration.Quantile(sorted, x)))]);
            }
            table.AddRow(["all", F(r.RhoByLayer.Values.SelectMany(v => v).Average()), .. r.Quantiles.Values.Select(F)]);
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"uniform p²/N = {F(r.Uniform)};  τ_exp = [green]{F(r.TauExpand)}[/] ({r.TauExpand / r.Uniform:0.00}× uniform, expands in {r.TriggerShare:P1} of events; target {r.TargetShare:P0});  τ_drop = [green]{F(r.TauDrop)}[/] ({r.TauDrop / r.Uniform:0.00}× uniform, {r.DropShare:P1} below)");
            if (result.GetValue(output) is { } path)
            {
                var json = new
                {
                    model = bundle.ModelId, layers = r.RhoByLayer.Keys.Order(), patch_size = blink.PatchSize, samples = data.Count,
                    tau_expand = r.TauExpand, tau_drop = r.TauDrop, uniform = r.Uniform, target_share = r.TargetShare, trigger_share = r.TriggerShare,
                    drop_share = r.DropShare, quantiles = r.Quantiles, rho = r.RhoByLayer.ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
                };
                var dir = Path.GetDirectoryName(Path.GetFullPath(path));
                if (dir is not null) Directory.CreateDirectory(dir);
                AtomicFile.WriteAllText(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
                AnsiConsole.MarkupLineInterpolated($"wrote [green]{path}[/]");
            }
            return 0;
        }));
        return command;
    }
}
