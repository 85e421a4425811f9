using Blink.Workbench.Imaging;
using Blink.Workbench.Models;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Methods;

/// <summary>
/// Teacher insertion, the ceiling of any TokenSR: instead of super-resolving the region's hidden states it inserts the
/// crop teacher's own layer-L states for the region — exactly the target Training.TeacherStudentExtractor makes for
/// TokenSR training: the region's pixel box (<see cref="CropTeacher.CropBox"/>) is cut from the original
/// image, run through the same preprocessing and prompt, and the crop's layer-L image tokens are average-pooled to
/// s·p × s·p (<see cref="CropTeacher.PoolTeacher"/>). One instance serves one question.
/// </summary>
public sealed class TeacherExpander : IRegionTokenExpander
{
    private readonly ModelBundle _bundle;
    private readonly SKBitmap _image;
    private readonly string _question;
    private readonly PreprocessGeometry _geometry;
    private readonly BlinkOptions _options;

    public TeacherExpander(ModelBundle bundle, SKBitmap image, string question, BlinkOptions options)
    {
        _bundle = bundle;
        _image = image;
        _question = question;
        _options = options;
        _geometry = bundle.Preprocessor.GeometryFor(image.Width, image.Height);
    }

    public string Name => "teacher";
    public int Scale => _options.Scale;

    /// <summary>Crop forwards run (each one vision-tower pass and one decoder forward).</summary>
    public int Forwards { get; private set; }

    /// <summary>Tokens the crop forwards processed, summed over layers.</summary>
    public long Tokens { get; private set; }

    public Tensor Expand(int layer, Tensor patch) =>
        throw new InvalidOperationException("The crop teacher needs the region it expands; BlinkInterceptor calls Expand(layer, region, patch).");

    public Tensor Expand(int layer, Region region, Tensor patch)
    {
        var box = CropTeacher.CropBox(_geometry, region);
        using var crop = ImageCrop.Crop(_image, box);
        using var recorder = new BlinkLayerRecorder(_options, [layer], scan: false, keepHidden: true, stopAfterLastLayer: true);
        Tensor teacher;
        using (var scope = NewDisposeScope())
        {
            var pixels = _bundle.Preprocessor.ToTensor(crop, _bundle.Model.Device).unsqueeze(0);
            var output = _bundle.Model.forward(new LlavaInput(_bundle.PromptIds(_question), pixels, Interceptor: recorder));
            Forwards++;
            Tokens += output.TokensPerLayer.Sum();
            var layout = recorder.Layout!;
            teacher = CropTeacher.PoolTeacher(recorder.Hidden[layer], layout.GridHeight, layout.GridWidth, Scale * region.Size)
                .MoveToOuterDisposeScope();
        }
        // [D, s·p, s·p] float32 CPU → the patch's batch, device and dtype.
        var result = teacher.unsqueeze(0).expand(patch.shape[0], -1, -1, -1).to(patch.device).to(patch.dtype);
        teacher.Dispose();
        return result;
    }
}
