# Generates the notebooks in notebooks/ (stripped of outputs). Run: python3 tools/make_notebooks.py
import json, os
ROOT = os.path.join(os.path.dirname(__file__), "..", "notebooks")
REFS = """#r "nuget: TorchSharp-cpu, 0.107.0"
#r "nuget: SkiaSharp, 2.88.9"
#r "nuget: Plotly.NET, 6.0.0"
#r "nuget: Plotly.NET.Interactive, 6.0.0"
#r "../src/Blink.Workbench/bin/Release/net10.0/Blink.Workbench.dll\""""
USINGS = """using System.IO;
using Blink.Workbench.Analysis;
using Blink.Workbench.Evaluation.Benchmarks;
using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Evaluation;
using Blink.Workbench.Evaluation.Runs;
using Blink.Workbench.Imaging;
using Blink.Workbench.Methods;
using Blink.Workbench.Models;
using Blink.Workbench.Plots;
using Blink.Workbench.Reporting;
using Blink.Workbench.Training;
using TorchSharp;"""
LOAD = """var bundle = ModelBundle.Load("../data/models/tiny-testbed");
bundle.Model.eval();
var config = bundle.Model.Config;
var layers = config.TextConfig.NumHiddenLayers;
var grid = config.VisionConfig.GridSize;
var blink = BlinkOptions.ForModel(layers, grid);
$"{bundle.ModelId}: {layers} decoder layers, {grid}×{grid} visual tokens; Blink layers {blink.FirstLayer}–{blink.LastLayer}, p = {blink.PatchSize}, τ_exp = {blink.TauExpand:0.###}, τ_drop = {blink.TauDrop:0.###}\""""
DATA = """var work = Path.Combine(Path.GetTempPath(), "blink-notebook-" + Guid.NewGuid().ToString("N")[..8]);
var generator = new TestbedGenerator(new TestbedOptions { InputSize = config.VisionConfig.ImageSize, PatchSize = config.VisionConfig.PatchSize });
TestbedWriter.WriteSplit(generator, TestbedSplit.Val, {n}, Path.Combine(work, "val"));
var benchmark = new TestbedBenchmark();
var items = benchmark.Load(Path.Combine(work, "val"));
$"{items.Count} testbed questions, e.g. \\"{items[0].Prompt}\\" → {items[0].GroundTruth}\""""
CLEANUP = """bundle.Dispose();
Directory.Delete(work, recursive: true);"""

class NB:
    def __init__(self): self.cells = []; self.n = 0
    def _lines(self, s):
        ls = s.split("\n"); return [l + "\n" for l in ls[:-1]] + [ls[-1]]
    def md(self, s):
        self.cells.append({"cell_type": "markdown", "id": f"m{self.n:04d}", "metadata": {}, "source": self._lines(s)}); self.n += 1; return self
    def code(self, s, tags=None):
        meta = {"dotnet_interactive": {"language": "csharp"}, "polyglot_notebook": {"kernelName": "csharp"}}
        if tags: meta["tags"] = tags
        self.cells.append({"cell_type": "code", "execution_count": None, "id": f"c{self.n:04d}", "metadata": meta, "outputs": [], "source": self._lines(s)}); self.n += 1; return self
    def write(self, name):
        root = {"cells": self.cells, "metadata": {
            "kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"},
            "language_info": {"name": "polyglot-notebook"},
            "polyglot_notebook": {"kernelInfo": {"defaultKernelName": "csharp", "items": [{"aliases": [], "languageName": "C#", "name": "csharp"}]}}},
            "nbformat": 4, "nbformat_minor": 5}
        with open(os.path.join(ROOT, name), "w", encoding="utf-8", newline="\n") as f:
            json.dump(root, f, indent=1, ensure_ascii=False); f.write("\n")

def head(title, intro, params):
    nb = NB().md(title + "\n\n" + intro)
    nb.code(REFS).code(USINGS)
    nb.md("Sizes. The test suite overrides these for a quick run; raise them for tighter confidence intervals.")
    nb.code(params, ["parameters"])
    nb.md("The embedded LLaVA-style model (trained on the synthetic testbed; its decoder layers, grid and Blink defaults):")
    nb.code(LOAD)
    return nb

# 01 ---------------------------------------------------------------------------------------------------------------
nb = head("# 1 · Pilot: where does the model look, layer by layer?",
 "Blink starts from an observation (paper §3, pilot study): the attention of the answer position on the image tokens is diffuse in early layers, "
 "concentrates on the question's evidence in the middle layers and fades again late. Blink acts only inside that band. "
 "Study 1 measures it; study 2 checks that *expanding* the salient region there helps more than expanding a random one.",
 "var samples = 60;        // testbed questions studied\nvar heatmapSamples = 2;  // questions drawn as per-layer heatmaps\nvar probeQuestions = 300; // position questions for the linear probes")
nb.md("## Data\nA generated validation split of the synthetic testbed: small scenes whose questions need one region (a colour, a digit, a shape) with a known evidence box.")
nb.code(DATA.replace("{n}", "samples"))
nb.md("## Study 1 — attention across layers\nOne forward per question records, for every decoder layer, the last prompt token's attention over the visual tokens.")
nb.code("var study = LayerAttentionStudy.Run(bundle, items.Select(StudySample.FromBenchmarkItem).ToArray(),\n    new LayerStudyOptions { KeepMapsFor = heatmapSamples, HeadLayers = [blink.FirstLayer] });\n$\"recommended band: layers {study.Band.First}–{study.Band.Last} (peak {study.Band.Peak}). {study.Band.Explanation}\"")
nb.md("Each panel is one layer's attention over the picture as the model sees it; the box is the evidence. Watch it sharpen in the middle layers.")
nb.code("PilotFigures.LayerHeatmaps(study.Samples[0]).Chart")
nb.md("The same per layer, pooled over all questions (mean with confidence band): visual share, share inside the evidence box, IoU of the top region with the box, concentration ρ, entropy and stability of the top-k tokens.")
nb.code("PilotFigures.MetricCurves(study).Chart")
nb.md("ρ is what Blink thresholds: the share of visual attention in the most salient p×p region. Its spread per layer, with τ_exp and τ_drop marked:")
nb.code("PilotFigures.RhoHistograms(study).Chart")
nb.md("## Study 2 — one forced expansion\nAt the band's peak we force one ×2 interpolation expansion of (a) the salient region, (b) a random region, (c) the evidence region, and compare accuracy with vanilla.")
nb.code("var forcedLayer = Math.Min(study.Band.Peak, layers - 2);\nvar forced = ForcedExpansionStudy.Run(new MethodRunner(bundle), benchmark, items, forcedLayer, new EvaluationOptions(Path.Combine(work, \"forced\")), blink);\ndisplay(HTML(\"<pre>\" + System.Net.WebUtility.HtmlEncode(forced.ToMarkdown()) + \"</pre>\"));")
nb.code("PilotFigures.CategoryBars(ResultsSummary.FromTable(forced, $\"Forced expansion after layer {forcedLayer}\")).Chart")
nb.md("If the salient expansion helps at least as much as the random one, the saliency scan finds what matters — the premise of Blink's region selection.")
nb.md("## Probing a failure: relative position\nThe tiny model answers \"Is the small red circle to the left of the small blue star?\" at chance, even from the zoomed crop. "
      "Linear probes ask where the answer is lost: do the two objects' visual tokens say where they are, does the last prompt token look at the first object rather than the second, "
      "and does its hidden state after each layer carry the relation or the answer? 50% is chance.")
nb.code("""var probe = PositionProbe.Run(bundle, new PositionProbeOptions { Questions = probeQuestions, View = TestbedView.EvidenceCrop });
display(HTML("<pre>" + System.Net.WebUtility.HtmlEncode(probe.ToMarkdown()) + "</pre>"));""")
nb.md("Each probe is scored on the held-out 30% of the questions, so with 300 questions ±10 points is noise (`blink probe position` uses 1,000). "
      "On the crop the two objects are tokens apart, yet their features do not carry the relation and the attention splits evenly between them: "
      "the model was never taught where a token is, nor which of two named objects a question asks about (docs/testbed.md).")
nb.code(CLEANUP)
nb.write("01-pilot-layer-attention.ipynb")

# 02 ---------------------------------------------------------------------------------------------------------------
nb = head("# 2 · Training TokenSR",
 "When Blink expands a salient region it needs *more* tokens for it, in the hidden space of that layer. Interpolating the hidden states is the cheap answer; "
 "TokenSR (paper §3.3) is a small per-layer network trained to predict what the model would have computed had it seen the region zoomed in. "
 "The teacher is the frozen model itself, run on the zoomed crop; the student input is the hidden states of the region in the full picture.",
 "var samples = 48;      // training scenes (teacher/student pairs come from each of them)\nvar steps = 300;       // optimizer steps\nvar batchSize = 64;")
nb.md("## Teacher features from crops\nFor every training scene and Blink layer: the salient region (sometimes a random one), the crop's hidden states as teacher, the region's own hidden states as student. Pairs are cached on disk.")
nb.code("""var work = Path.Combine(Path.GetTempPath(), "blink-notebook-" + Guid.NewGuid().ToString("N")[..8]);
var pre = bundle.Preprocessor.Options;
var data = new TestbedTokenSRSource(new TestbedGenerator(new TestbedOptions { InputSize = pre.Size, PatchSize = pre.PatchSize }), TestbedSplit.Train, 0, samples);
var extraction = new TokenSRExtractionOptions { Blink = blink };
var key = FeatureCacheKey.For(bundle, extraction, data);
var cache = new FeatureCache(Path.Combine(work, "cache"));
var shard = cache.ExtractShard(new TeacherStudentExtractor(bundle, extraction), data, key, 1, 0, rebuild: true);
var manifest = cache.Merge(key, 1);
$"{shard.Samples} scenes → {shard.Pairs} teacher/student pairs: " + string.Join(", ", manifest.PairsPerLayer.Select(kv => $"layer {kv.Key}: {kv.Value}"))""")
nb.md("## Train briefly\nOne TokenSR per Blink layer, KL to the teacher's token distribution, AdamW with warm-up and cosine decay; a tenth of the scenes is held out.")
nb.code("""var options = new TokenSRTrainingOptions { Steps = steps, BatchSize = batchSize, EvalEvery = Math.Max(1, steps / 6) };
var pairs = cache.Load(key);
var trained = new TokenSRTrainer(options, work).Train(pairs, key.Hash, resume: false, device: bundle.Model.Device);
$"{trained.TrainPairs} training pairs, {trained.ValPairs} held out; final loss {trained.FinalLoss:G4}\"""")
nb.md("The loss curve, with the held-out loss on evaluation steps:")
nb.code("""var val = trained.Curve.Where(c => c.ValLoss is not null).ToArray();
PilotFigures.LossCurves([PilotFigures.LossSeries("TokenSR", trained.Curve.Select(c => ((double)c.Step, c.Loss)), val.Select(c => ((double)c.Step, c.ValLoss!.Value)))]).Chart""")
nb.md("## Held-out KL: TokenSR vs. interpolation\nInterpolation is what Blink-interp does (and what an untrained TokenSR starts from). Lower is closer to the zoomed teacher.")
nb.code("""var rows = trained.Bank.Layers.Where(trained.ValLoss.ContainsKey)
    .Select(l => $"<tr><td>{l}</td><td>{trained.ValLoss[l]:G4}</td><td>{trained.InterpValLoss[l]:G4}</td></tr>");
display(HTML("<table><tr><th>layer</th><th>TokenSR</th><th>interpolation</th></tr>" + string.Join("", rows) + "</table>"));""")
nb.md("To use the bank in an evaluation, save it (`TokenSRBankArtifact.Save`) and pass it to `MethodRunner`, or run `blink train-tokensr` for the full-size run.")
nb.code("pairs.Dispose();\ntrained.Bank.Dispose();\n" + CLEANUP)
nb.write("02-train-tokensr.ipynb")

# 03 ---------------------------------------------------------------------------------------------------------------
nb = head("# 3 · Evaluating Blink against the baselines",
 "Every method answers the same testbed questions: vanilla, Blink (interpolation expander, so no training is needed here), its ablations "
 "(random region instead of SGS, a fixed schedule instead of thresholds, no drop, a high τ_exp), FastV token pruning and the zoom oracle that reads the evidence crop. "
 "Accuracy comes with Wilson intervals; cost is the tokens processed summed over layers.",
 "var samples = 60;             // test questions\nvar calibrationSamples = 40;  // validation scenes for the thresholds")
nb.md("## Calibrating τ_exp and τ_drop\nThe paper gives only qualitative guidance for the thresholds. We set τ_exp so that expansion would trigger in a target share of (question, layer) events on held-out scenes.")
nb.code("""var pre = bundle.Preprocessor.Options;
var generator = new TestbedGenerator(new TestbedOptions { InputSize = pre.Size, PatchSize = pre.PatchSize });
var calibration = ThresholdCalibration.Run(bundle, new TestbedTokenSRSource(generator, TestbedSplit.Val, 0, calibrationSamples),
    new ThresholdCalibrationOptions { Blink = blink });
blink = calibration.Apply(blink) with { Expander = ExpanderKind.Interpolation };
$"τ_exp = {calibration.TauExpand:0.###} (expands in {calibration.TriggerShare:P0} of events), τ_drop = {calibration.TauDrop:0.###}; uniform attention gives ρ = {calibration.Uniform:0.###}\"""")
nb.md("## All methods side by side")
nb.code("""var work = Path.Combine(Path.GetTempPath(), "blink-notebook-" + Guid.NewGuid().ToString("N")[..8]);
TestbedWriter.WriteSplit(generator, TestbedSplit.Test, samples, Path.Combine(work, "test"));
var benchmark = new TestbedBenchmark();
var items = benchmark.Load(Path.Combine(work, "test"));
var methods = MethodCatalog.Standard(blink);
var evalOptions = new EvaluationOptions(Path.Combine(work, "eval"));
new MethodEvaluator(new MethodRunner(bundle)).Answer(benchmark, items, methods, evalOptions);
var table = MethodEvaluator.Score(benchmark, items, methods, evalOptions);
display(HTML("<pre>" + System.Net.WebUtility.HtmlEncode(table.ToMarkdown()) + "</pre>"));""")
nb.md("Accuracy against cost: Blink should sit above vanilla at a modest extra cost, FastV to the left (cheaper), the oracle as the ceiling.")
nb.code("var summary = ResultsSummary.FromTable(table, \"Testbed\");\nPilotFigures.AccuracyCost(summary).Chart")
nb.code("PilotFigures.CategoryBars(summary).Chart")
nb.md("With the trained TokenSR bank from notebook 2, `MethodCatalog.Standard(blink with { Expander = ExpanderKind.TokenSR })` and `new MethodRunner(bundle, bank)` evaluate full Blink.")
nb.code(CLEANUP)
nb.write("03-evaluate-blink.ipynb")

# 04 ---------------------------------------------------------------------------------------------------------------
nb = head("# 4 · How Blink works, on one picture",
 "A walk-through for newcomers. A LLaVA-style model turns the picture into a grid of visual tokens, puts them before the question and runs its decoder layers. "
 "Blink watches where the model looks while it reads: when attention concentrates on a small region, it *zooms into* that region by inserting more tokens for it; "
 "when the region stops mattering, it drops them again.",
 "var sampleIndex = 0;  // which testbed question to follow")
nb.md("## The picture and the question")
nb.code(DATA.replace("{n}", "sampleIndex + 1"))
nb.code("""var item = items[sampleIndex];
var image = item.Image.Decode();
display(HTML($"<img src='{PngEncoding.DataUri(image)}' width='256'/><p><b>Q:</b> {item.Prompt}<br/><b>A:</b> {item.GroundTruth}</p>"));""")
nb.md("## Tokens\nThe vision encoder cuts the picture into patches; each becomes one visual token. Blink thinks in p×p blocks of them (its *regions*).")
nb.code("$\"{grid}×{grid} = {grid * grid} visual tokens; regions of {blink.PatchSize}×{blink.PatchSize} tokens, so {(grid / blink.PatchSize) * (grid / blink.PatchSize)} regions\"")
nb.md("## Attention per layer\nFor each decoder layer: where the last question token looks among the visual tokens. ρ (in each panel's title) is the share of that attention inside the most salient region.")
nb.code("""var study = LayerAttentionStudy.Run(bundle, [StudySample.FromBenchmarkItem(item)], new LayerStudyOptions { KeepMapsFor = 1 });
var maps = study.Samples[0];
PilotFigures.LayerHeatmaps(maps).Chart""")
nb.md("## ρ, the trigger\nBlink expands when ρ ≥ τ_exp (attention is concentrated: something specific is being read) and drops an earlier expansion when ρ < τ_drop. These are the vanilla model's ρ values; once Blink has inserted tokens, the later layers' ρ shifts.")
nb.code("""string.Join("\\n", maps.Layers.Select(l => $"layer {l.Layer}: ρ = {l.Rho:0.000}" +
    (l.Layer < blink.FirstLayer || l.Layer > blink.LastLayer ? "  (outside Blink's band)" : l.Rho >= blink.TauExpand ? "  ≥ τ_exp: would expand" : l.Rho < blink.TauDrop ? "  < τ_drop: would drop an expansion" : "  between the thresholds: keep")))""")
nb.md("## One expansion, and the drop\nNow Blink itself (with interpolation as the token expander). The trace shows ρ per layer against both thresholds, what it did where, and the region it zoomed into.")
nb.code("""var runner = new MethodRunner(bundle);
var interp = new MethodSpec("blink-interp", "Blink with bilinear interpolation", MethodKind.Blink, blink with { Expander = ExpanderKind.Interpolation });
var input = new MethodInput(image, item.Prompt, sampleIndex, item.Evidence, benchmark.CandidateAnswers(item));
var answer = runner.Answer(interp, input);
var view = PilotFigures.InputView(maps);
PilotFigures.Trace(PilotFigures.ToTraceData(answer.Trace!, interp.Blink!, grid, $"Blink-interp → {answer.Text} (truth: {item.GroundTruth})"), view).Chart""")
nb.md("The sequence grows by the inserted tokens at an expansion and, if ρ later falls below τ_drop, shrinks back at the drop — the cost Blink pays only where it helps (`events` lists each layer's decision):")
nb.code("""var vanilla = runner.Answer(MethodCatalog.Standard(blink)[0], input);
$"tokens per layer, vanilla: [{string.Join(", ", vanilla.TokensPerLayer)}]\\ntokens per layer, Blink:   [{string.Join(", ", answer.TokensPerLayer)}]\\nevents: {answer.Trace}\"""")
nb.md("## What TokenSR changes\nInterpolation only smears the region's existing hidden states over more positions. TokenSR (notebook 2) is trained to predict the hidden states the model would compute on the zoomed crop, so the new tokens carry detail the coarse grid lost. "
      "Here are the answers side by side; the zoom oracle shows what a perfect crop would give.")
nb.code("""var oracle = runner.Answer(MethodCatalog.Find(MethodCatalog.Standard(blink), "zoom-oracle"), input);
$"vanilla: {vanilla.Text}   Blink-interp: {answer.Text}   zoom oracle: {oracle.Text}   truth: {item.GroundTruth}\"""")
nb.code("view.Dispose();\nimage.Dispose();\n" + CLEANUP)
nb.write("04-how-blink-works.ipynb")
