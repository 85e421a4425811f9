using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using Blink.Workbench.Tests.Analysis;
using Blink.Workbench.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class PatchLabelsTests
{
    private const int Grid = 8, Patch = 14;

    private static TestbedScene Scene(params SceneObject[] objects) => new("q", "q.png", "val", 0, 112, 112, objects);

    private static SceneObject Small(string kind, string color, double x0, double y0, double x1, double y1) =>
        new(kind, color, TestbedVocabulary.Small, [(int)x0, (int)y0, (int)x1, (int)y1]);

    private static int[] Labelled(int[] kinds) => kinds.Select((k, i) => (k, i)).Where(t => t.k != 0).Select(t => t.i).ToArray();

    [Fact]
    public void Without_cover_an_object_labels_the_token_under_its_centre_only()
    {
        // Centre (14, 14) falls in row 1, column 1; the object straddles four tokens equally.
        var (kind, color) = PatchLabels.For(Scene(Small("star", "red", 9, 9, 19, 19)), b => b, Grid, Patch);
        Assert.Equal([9], Labelled(kind));
        Assert.Equal(1 + TestbedVocabulary.Shapes.ToList().IndexOf("star"), kind[9]);
        Assert.Equal(1 + TestbedVocabulary.ColorNames.ToList().IndexOf("red"), color[9]);
    }

    [Fact]
    public void With_cover_every_token_holding_enough_of_the_object_is_labelled()
    {
        // 25 of its 100 px in each of four tokens: a quarter each.
        Assert.Equal([0, 1, 8, 9], Labelled(PatchLabels.For(Scene(Small("star", "red", 9, 9, 19, 19)), b => b, Grid, Patch, cover: 0.25).Kind));
        Assert.Equal([], Labelled(PatchLabels.For(Scene(Small("star", "red", 9, 9, 19, 19)), b => b, Grid, Patch, cover: 0.3).Kind));
        // 10×10 at (10, 10): 16, 24, 24 and 36 px in the four tokens; 0.25 keeps the last only.
        Assert.Equal([9], Labelled(PatchLabels.For(Scene(Small("circle", "blue", 10, 10, 20, 20)), b => b, Grid, Patch, cover: 0.25).Kind));
        // A zoomed object three tokens wide fills nine tokens; the token is the smaller of the two, so all nine count.
        var zoomed = PatchLabels.For(Scene(Small("cross", "green", 14, 14, 56, 56)), b => b, Grid, Patch, cover: 0.25).Kind;
        Assert.Equal([9, 10, 11, 17, 18, 19, 25, 26, 27], Labelled(zoomed));
        Assert.Equal([18], Labelled(PatchLabels.For(Scene(Small("cross", "green", 14, 14, 56, 56)), b => b, Grid, Patch).Kind));
    }

    [Fact]
    public void Where_two_objects_share_a_token_the_larger_overlap_wins()
    {
        // Both reach into token 0: the square with 8×8 px, the circle with 4×4.
        var (kind, _) = PatchLabels.For(Scene(Small("circle", "red", 10, 10, 20, 20), Small("square", "blue", 6, 0, 14, 8)), b => b, Grid, Patch, cover: 0.1);
        Assert.Equal(1 + TestbedVocabulary.Shapes.ToList().IndexOf("square"), kind[0]);
        Assert.Equal(1 + TestbedVocabulary.Shapes.ToList().IndexOf("circle"), kind[9]);
    }

    [Fact]
    public void Kind_accuracy_counts_object_tokens_per_group()
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var source = new TestbedExampleSource(new TestbedGenerator(new TestbedOptions { Categories = ["shape", "digit"] }), bundle.Preprocessor, bundle.Prompts);
        var examples = Enumerable.Range(0, 10).Select(i => source.Create(TestbedSplit.Val, i, TestbedView.Base)).ToArray();
        // A head that always answers "circle" (class 1) is right on exactly the circle tokens.
        using var head = nn.Linear(bundle.Model.Config.TextConfig.HiddenSize, PatchLabels.KindClasses + PatchLabels.ColorClasses);
        using (torch.no_grad())
        {
            head.weight!.zero_();
            head.bias!.zero_();
            head.bias[1] = 10;
        }
        var accuracy = PatchLabels.KindAccuracy(bundle.Model, head, examples, batchSize: 3);
        var labels = examples.SelectMany(e => e.PatchKinds!).Where(k => k != 0).ToArray();
        var shapes = labels.Where(k => k <= TestbedVocabulary.Shapes.Count).ToArray();
        Assert.Equal((double)shapes.Count(k => k == 1) / shapes.Length, accuracy["shape"], 12);
        Assert.Equal(0, accuracy["digit"]);
    }

    [Fact]
    public void Balanced_patch_loss_weighs_object_and_empty_tokens_equally()
    {
        using var bundle = PilotFixtures.RandomTinyBundle();
        var source = new TestbedExampleSource(new TestbedGenerator(new TestbedOptions { Categories = ["shape"] }), bundle.Preprocessor, bundle.Prompts);
        var examples = Enumerable.Range(0, 2).Select(i => source.Create(TestbedSplit.Val, i, TestbedView.Base)).ToArray();
        torch.manual_seed(3);
        using var predictions = torch.randn(2, Grid * Grid, PatchLabels.KindClasses + PatchLabels.ColorClasses);
        var p = predictions.data<float>().ToArray();
        // Cross-entropy of one token's slice [offset, offset + classes) against its label, in doubles.
        double Ce(int token, int offset, int classes, int label)
        {
            var row = Enumerable.Range(0, classes).Select(c => (double)p[token * (PatchLabels.KindClasses + PatchLabels.ColorClasses) + offset + c]).ToArray();
            var max = row.Max();
            return Math.Log(row.Sum(v => Math.Exp(v - max))) + max - row[label];
        }
        var kinds = examples.SelectMany(e => e.PatchKinds!).ToArray();
        var colors = examples.SelectMany(e => e.PatchColors!).ToArray();
        var tokens = Enumerable.Range(0, kinds.Length).ToArray();
        var objects = tokens.Where(t => kinds[t] != 0).ToArray();
        var empty = tokens.Where(t => kinds[t] == 0).ToArray();
        Assert.NotEmpty(objects);
        double Mean(IEnumerable<int> ts, int offset, int classes, int[] labels) => ts.Average(t => Ce(t, offset, classes, labels[t]));
        double Pair(IEnumerable<int> ts) => Mean(ts, 0, PatchLabels.KindClasses, kinds) + Mean(ts, PatchLabels.KindClasses, PatchLabels.ColorClasses, colors);

        Assert.Equal(Pair(tokens), BaseTrainer.PatchLoss(predictions, examples, balanced: false).item<float>(), 4);
        Assert.Equal(Pair(objects) + Pair(empty), BaseTrainer.PatchLoss(predictions, examples, balanced: true).item<float>(), 4);
    }
}
