using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Blink.Workbench.Evaluation;
using SkiaSharp;

namespace Blink.Workbench.Evaluation.Benchmarks.Fixtures;

/// <summary>Where the fixture writer put each benchmark's data folder (keyed by registry name).</summary>
public sealed record BenchmarkFixtureSet(string Root, IReadOnlyDictionary<string, string> DataDirectories);

/// <summary>
/// Writes a small copy of every supported benchmark format (a few dozen items each) into a folder, with simple
/// images drawn by SkiaSharp (coloured squares, circles and triangles on white) and answers that are true of the
/// images, so every reader and scorer can be tested end to end and a tiny model can be run on real file layouts.
/// The same seed always writes the same files.
/// </summary>
public static class BenchmarkFixtureWriter
{
    public static readonly IReadOnlyList<string> Colors = ["red", "green", "blue", "yellow"];
    public static readonly IReadOnlyList<string> Shapes = ["square", "circle", "triangle"];
    private static readonly IReadOnlyList<string> ChineseColors = ["红色", "绿色", "蓝色", "黄色"];
    private static readonly IReadOnlyList<string> ChineseShapes = ["正方形", "圆形", "三角形"];

    /// <summary>One shape drawn on a fixture image.</summary>
    public readonly record struct Shape(string Kind, string Color);

    public static BenchmarkFixtureSet Write(string root, int seed = 0)
    {
        Directory.CreateDirectory(root);
        var random = new Random(seed);
        var dirs = new Dictionary<string, string>
        {
            ["pope"] = WritePope(Path.Combine(root, "pope"), random),
            ["mme"] = WriteMme(Path.Combine(root, "mme"), random),
            ["gqa"] = WriteGqa(Path.Combine(root, "gqa"), random),
            ["mmbench"] = WriteMmBench(Path.Combine(root, "mmbench"), random, chinese: false),
            ["mmbench-cn"] = WriteMmBench(Path.Combine(root, "mmbench-cn"), random, chinese: true),
            ["scienceqa-img"] = WriteScienceQa(Path.Combine(root, "scienceqa"), random),
            ["mm-vet"] = WriteMmVet(Path.Combine(root, "mm-vet"), random),
            ["testbed"] = WriteTestbed(Path.Combine(root, "testbed")),
        };
        return new BenchmarkFixtureSet(root, dirs);
    }

    /// <summary>Questions in the fixture testbed split (every category four times, quick to answer).</summary>
    public const int TestbedQuestions = 24;

    private static string WriteTestbed(string dir)
    {
        Data.Testbed.TestbedWriter.WriteSplit(new Data.Testbed.TestbedGenerator(), Data.Testbed.TestbedSplit.Test, TestbedQuestions, dir);
        return dir;
    }

    // ---- images --------------------------------------------------------------------------------------------------

    /// <summary>Distinct random shapes (no two with the same kind and colour).</summary>
    public static List<Shape> RandomScene(Random random, int count)
    {
        var all = Shapes.SelectMany(s => Colors.Select(c => new Shape(s, c))).ToList();
        return all.OrderBy(_ => random.Next()).Take(count).ToList();
    }

    /// <summary>Draws the shapes left to right on a white square and encodes PNG.</summary>
    public static byte[] DrawPng(IReadOnlyList<Shape> shapes, int size = 64)
    {
        using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        float cell = (float)size / Math.Max(1, shapes.Count);
        for (int i = 0; i < shapes.Count; i++)
        {
            using var paint = new SKPaint { Color = ToColor(shapes[i].Color), IsAntialias = false, Style = SKPaintStyle.Fill };
            float cx = cell * (i + 0.5f), cy = size / 2f, r = Math.Min(cell, size) * 0.35f;
            switch (shapes[i].Kind)
            {
                case "square":
                    canvas.DrawRect(cx - r, cy - r, 2 * r, 2 * r, paint);
                    break;
                case "circle":
                    canvas.DrawCircle(cx, cy, r, paint);
                    break;
                default:
                    using (var path = new SKPath())
                    {
                        path.MoveTo(cx, cy - r);
                        path.LineTo(cx + r, cy + r);
                        path.LineTo(cx - r, cy + r);
                        path.Close();
                        canvas.DrawPath(path, paint);
                    }
                    break;
            }
        }
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKColor ToColor(string color) => color switch
    {
        "red" => new SKColor(220, 30, 30),
        "green" => new SKColor(30, 170, 60),
        "blue" => new SKColor(30, 60, 220),
        _ => new SKColor(240, 210, 20),
    };

    private static void WriteImage(string path, IReadOnlyList<Shape> shapes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, DrawPng(shapes));
    }

    /// <summary>A (kind, colour) that is not in the scene.</summary>
    private static Shape Absent(Random random, IReadOnlyList<Shape> scene)
    {
        var absent = Shapes.SelectMany(s => Colors.Select(c => new Shape(s, c))).Except(scene).ToList();
        return absent[random.Next(absent.Count)];
    }

    private static void WriteLines(string path, IEnumerable<JsonObject> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Concat(lines.Select(l => JsonLines.Serialize(l) + "\n")));
    }

    // ---- POPE: 3 categories × 6 images × 2 questions (one yes, one no) ----------------------------------------

    private static string WritePope(string dir, Random random)
    {
        string[] categories = ["adversarial", "popular", "random"];
        var llava = new List<JsonObject>();
        foreach (string category in categories)
        {
            var lines = new List<JsonObject>();
            int qid = 1;
            for (int img = 0; img < 6; img++)
            {
                var scene = RandomScene(random, 2);
                string image = $"COCO_val2014_{categories.ToList().IndexOf(category) * 100 + img:D12}.png";
                WriteImage(Path.Combine(dir, "val2014", image), scene);
                var present = scene[random.Next(scene.Count)];
                var absent = Absent(random, scene);
                var questions = new[] { (present, "yes"), (absent, "no") };
                if (random.Next(2) == 0) Array.Reverse(questions);
                foreach (var (shape, label) in questions)
                {
                    string text = $"Is there a {shape.Color} {shape.Kind} in the image?";
                    lines.Add(new JsonObject { ["question_id"] = qid, ["image"] = image, ["text"] = text, ["label"] = label });
                    long offset = category switch { "adversarial" => 0, "random" => 10_000_000, _ => 20_000_000 };
                    llava.Add(new JsonObject
                    {
                        ["question_id"] = offset + qid, ["image"] = image,
                        ["text"] = Prompts.WithSuffix(text, Prompts.ShortAnswer), ["category"] = category,
                    });
                    qid++;
                }
            }
            WriteLines(Path.Combine(dir, "coco", $"coco_pope_{category}.json"), lines);
        }
        WriteLines(Path.Combine(dir, PopeBenchmark.LlavaQuestionFileName), llava);
        return dir;
    }

    // ---- MME: 5 subtasks (both folder layouts, perception + cognition) × 4 images × 2 questions ----------------

    private static string WriteMme(string dir, Random random)
    {
        string root = Path.Combine(dir, MmeBenchmark.ReleaseFolderName);
        (string Subtask, bool Split)[] subtasks =
            [("existence", false), ("color", false), ("count", false), ("artwork", true), ("code_reasoning", false)];
        foreach (var (subtask, split) in subtasks)
        {
            string imageDir = split ? Path.Combine(root, subtask, "images") : Path.Combine(root, subtask);
            string qaDir = split ? Path.Combine(root, subtask, "questions_answers_YN") : Path.Combine(root, subtask);
            Directory.CreateDirectory(qaDir);
            for (int img = 0; img < 4; img++)
            {
                int count = 1 + random.Next(3);
                var scene = RandomScene(random, count);
                string stem = $"{img + 1:D4}";
                WriteImage(Path.Combine(imageDir, stem + ".png"), scene);
                Shape absent = Absent(random, scene);
                (string Yes, string No) q = subtask switch
                {
                    "count" => ($"Are there {count} shapes in the image?", $"Are there {count + 1} shapes in the image?"),
                    "color" => ($"Is the {scene[0].Kind} {scene[0].Color}?",
                        $"Is the {scene[0].Kind} {Colors.First(c => scene.All(s => s.Color != c))}?"),
                    _ => ($"Is there a {scene[0].Color} {scene[0].Kind} in the image?",
                        $"Is there a {absent.Color} {absent.Kind} in the image?"),
                };
                // Some MME files have two spaces before the yes/no request; keep one such case.
                string tail = img == 3 ? "  Please answer yes or no." : " Please answer yes or no.";
                string[] lines = [$"{q.Yes}{tail}\tYes", $"{q.No}{tail}\tNo"];
                if (random.Next(2) == 0) Array.Reverse(lines);
                File.WriteAllText(Path.Combine(qaDir, stem + ".txt"), string.Join("\n", lines) + "\n");
            }
        }
        return dir;
    }

    // ---- GQA: 12 images × 2 questions (query + verify) -------------------------------------------------------

    private static string WriteGqa(string dir, Random random)
    {
        var questions = new JsonObject();
        int qid = 201300001;
        for (int img = 0; img < 12; img++)
        {
            var scene = RandomScene(random, 1 + random.Next(2));
            string imageId = $"n{100000 + img}";
            // GQA names images <imageId>.jpg; the bytes are PNG, which decoders detect from the content.
            WriteImage(Path.Combine(dir, "images", imageId + ".jpg"), scene);
            Shape target = scene[0];
            Shape asked = random.Next(2) == 0 ? target : Absent(random, scene);
            questions[(qid++).ToString(CultureInfo.InvariantCulture)] = GqaQuestion(imageId,
                $"What color is the {target.Kind}?", target.Color, "query");
            questions[(qid++).ToString(CultureInfo.InvariantCulture)] = GqaQuestion(imageId,
                $"Is there a {asked.Color} {asked.Kind}?", scene.Contains(asked) ? "yes" : "no", "verify");
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, GqaBenchmark.QuestionsFileName), questions.ToJsonString(JsonLines.IndentedOptions));
        return dir;
    }

    private static JsonObject GqaQuestion(string imageId, string question, string answer, string structural) => new()
    {
        ["imageId"] = imageId, ["question"] = question, ["answer"] = answer, ["fullAnswer"] = answer + ".",
        ["isBalanced"] = true, ["types"] = new JsonObject { ["structural"] = structural, ["semantic"] = "attr", ["detailed"] = "x" },
    };

    // ---- MMBench: EN 8 questions (rotations generated), CN 6 questions with rotations already in the TSV ------

    private static string WriteMmBench(string dir, Random random, bool chinese)
    {
        var colors = chinese ? ChineseColors : Colors;
        var sb = new StringBuilder("index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\tl2-category\timage\tsource\tcomment\n");
        int questions = chinese ? 6 : 8;
        for (int q = 0; q < questions; q++)
        {
            Shape shape = RandomScene(random, 1)[0];
            string image = Convert.ToBase64String(DrawPng([shape]));
            int optionCount = !chinese && q == 5 ? 3 : 4; // one 3-option question: column D is empty (NaN)
            var options = colors.OrderBy(_ => random.Next()).Take(optionCount).ToList();
            string correct = colors[Colors.ToList().IndexOf(shape.Color)];
            if (!options.Contains(correct)) options[random.Next(optionCount)] = correct;
            int answerIndex = options.IndexOf(correct);
            int shapeIndex = Shapes.ToList().IndexOf(shape.Kind);
            string question = chinese ? $"图中{ChineseShapes[shapeIndex]}是什么颜色？" : $"What color is the {shape.Kind}?";
            string hint = q % 3 == 0 ? (chinese ? "图中只有一个形状。" : "There is one shape in the image.") : "";
            string category = q % 2 == 0 ? "attribute_recognition" : "object_localization";
            int rounds = chinese ? optionCount : 1;
            for (int r = 0; r < rounds; r++)
            {
                var shown = options.Skip(r).Concat(options.Take(r)).ToList();
                string letter = Prompts.OptionLetters[(answerIndex - r + optionCount) % optionCount];
                string cells = string.Join('\t', Enumerable.Range(0, 4).Select(k => k < shown.Count ? shown[k] : ""));
                // Rotated copies refer to the image of the original row by its index, as newer TSVs do.
                string imageCell = r == 0 ? image : q.ToString(CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $"{q + r * 1_000_000}\t{question}\t{hint}\t{cells}\t{letter}\t{category}\tperception\t{imageCell}\tfixture\t\n");
            }
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, chinese ? "mmbench_dev_cn_fixture.tsv" : "mmbench_dev_en_fixture.tsv"), sb.ToString());
        return dir;
    }

    // ---- ScienceQA-IMG: 20 image questions + 2 text-only ones (excluded) ----------------------------------------

    private static string WriteScienceQa(string dir, Random random)
    {
        var entries = new JsonArray();
        for (int i = 0; i < 22; i++)
        {
            string id = (4000 + i).ToString(CultureInfo.InvariantCulture);
            var options = Shapes.OrderBy(_ => random.Next()).ToList();
            bool hasImage = i < 20;
            Shape shape = new(options[random.Next(options.Count)], Colors[random.Next(Colors.Count)]);
            string letter = Prompts.OptionLetters[options.IndexOf(shape.Kind)];
            string choice = string.Join(" ", options.Select((o, k) => $"({Prompts.OptionLetters[k]}) {o}"));
            string human = hasImage
                ? $"Context: N/A\nQuestion: Which shape is shown in the picture?\nOptions: {choice}\n<image>"
                : $"Context: A square has four sides.\nQuestion: Which shape has four sides?\nOptions: {choice}";
            if (!hasImage) letter = Prompts.OptionLetters[options.IndexOf("square")];
            var entry = new JsonObject { ["id"] = id };
            if (hasImage)
            {
                entry["image"] = $"{id}/image.png";
                WriteImage(Path.Combine(dir, "images", "test", id, "image.png"), [shape]);
            }
            entry["conversations"] = new JsonArray(
                new JsonObject { ["from"] = "human", ["value"] = human },
                new JsonObject { ["from"] = "gpt", ["value"] = $"The answer is {letter}." });
            entries.Add(entry);
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ScienceQaBenchmark.QuestionFileName), entries.ToJsonString(JsonLines.IndentedOptions));
        return dir;
    }

    // ---- MM-Vet: 12 open questions ----------------------------------------------------------------------------

    private static string WriteMmVet(string dir, Random random)
    {
        var doc = new JsonObject();
        for (int i = 0; i < 12; i++)
        {
            var scene = RandomScene(random, 1 + random.Next(2));
            string image = $"v1_{i}.png";
            WriteImage(Path.Combine(dir, "images", image), scene);
            doc[$"v1_{i}"] = new JsonObject
            {
                ["imagename"] = image,
                ["capability"] = new JsonArray("rec", i % 2 == 0 ? "spat" : "math"),
                ["question"] = i % 2 == 0 ? $"What color is the {scene[0].Kind}?" : "How many shapes are in the image?",
                ["answer"] = i % 2 == 0 ? scene[0].Color : scene.Count.ToString(CultureInfo.InvariantCulture),
            };
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, MmVetBenchmark.OfficialFileName), doc.ToJsonString(JsonLines.IndentedOptions));
        return dir;
    }
}
