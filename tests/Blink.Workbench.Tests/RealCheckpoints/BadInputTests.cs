using Blink.Workbench.IO;
using Blink.Workbench.Models;
using Blink.Workbench.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.Tests.RealCheckpoints;

/// <summary>
/// A broken model folder fails with one clear error that names the file (and the tensor key where one is involved),
/// before any weight is allocated. The weights are asked for on CUDA: on a machine without CUDA any allocation would
/// fail with a CUDA error instead, so getting the checkpoint error proves validation ran first (on a CUDA machine the
/// same assertion holds because nothing is allocated either).
/// </summary>
[Collection("Torch")]
public sealed class BadInputTests
{
    private const string DecoderKey = "language_model.model.layers.1.mlp.up_proj.weight";

    private static readonly Device NeverAllocated = new(DeviceType.CUDA, 0);

    private static Exception LoadFails(FixtureCopy copy) =>
        Assert.ThrowsAny<Exception>(() => ModelBundle.Load(copy.Path, NeverAllocated, ScalarType.Float16).Dispose());

    [Fact]
    public void Premise_AllocatingOnCudaFailsWhereThereIsNoCuda()
    {
        if (torch.cuda.is_available()) return;
        Assert.ThrowsAny<Exception>(() => torch.empty(4, device: NeverAllocated).Dispose());
    }

    [Fact]
    public void FolderMissingAShard_NamesTheIndexTheShardAndAKeyItHolds()
    {
        using var copy = new FixtureCopy();
        File.Delete(copy.File(FixtureCopy.Shard2));
        var e = Assert.IsType<CheckpointFormatException>(LoadFails(copy));
        Assert.Contains(FixtureCopy.Index, e.Message);
        Assert.Contains($"shard '{FixtureCopy.Shard2}'", e.Message);
        Assert.Contains("language_model.", e.Message);
    }

    [Fact]
    public void IndexNamingAKeyTheShardLacks_NamesTheKeyAndTheShard()
    {
        using var copy = new FixtureCopy();
        copy.EditJson(FixtureCopy.Index, index => index["weight_map"]!["language_model.model.layers.9.mlp.up_proj.weight"] = FixtureCopy.Shard1);
        var e = Assert.IsType<CheckpointFormatException>(LoadFails(copy));
        Assert.Contains(FixtureCopy.Index, e.Message);
        Assert.Contains($"'language_model.model.layers.9.mlp.up_proj.weight' is mapped to {FixtureCopy.Shard1}, which has no such tensor", e.Message);
    }

    [Fact]
    public void ShardMissingAKeyTheIndexNames_NamesTheKeyAndTheShard()
    {
        using var copy = new FixtureCopy();
        copy.DropTensorFromShard(FixtureCopy.Shard2, DecoderKey);
        var e = Assert.IsType<CheckpointFormatException>(LoadFails(copy));
        Assert.Contains($"'{DecoderKey}' is mapped to {FixtureCopy.Shard2}, which has no such tensor", e.Message);
    }

    [Fact]
    public void WeightTheModelNeedsMissingFromIndexAndShard_IsReportedAsMissingAndNothingIsLoaded()
    {
        using var copy = new FixtureCopy();
        copy.DropTensorFromShard(FixtureCopy.Shard2, DecoderKey);
        copy.EditJson(FixtureCopy.Index, index => index["weight_map"]!.AsObject().Remove(DecoderKey));
        var e = Assert.IsType<CheckpointMismatchException>(LoadFails(copy));
        Assert.Equal([DecoderKey], e.Missing);
        Assert.Contains("nothing was loaded", e.Message);
        Assert.Contains(FixtureCopy.Index, e.Message);
    }

    [Fact]
    public void ConfigWhoseHiddenSizeDisagreesWithTheWeights_ListsEveryMismatchedTensorWithItsShard()
    {
        using var copy = new FixtureCopy();
        copy.EditJson("config.json", config => config["text_config"]!["hidden_size"] = 96);
        var e = Assert.IsType<CheckpointMismatchException>(LoadFails(copy));
        var embed = Assert.Single(e.Mismatched, m => m.ModuleKey == "language_model.model.embed_tokens.weight");
        Assert.Equal(FixtureCopy.Shard2, Path.GetFileName(embed.File));
        Assert.Contains("[576, 96]", embed.Expected);
        Assert.Contains("[576, 64]", embed.Found);
        Assert.Contains($"language_model.model.embed_tokens.weight: model expects Float32 [576, 96], checkpoint has F32 [576, 64] in {FixtureCopy.Shard2}", e.Message);
        Assert.Empty(e.Missing);
    }

    [Fact]
    public void TokenizerWithoutImageToken_NamesTheTokenizerAndTheFilesItLookedIn()
    {
        using var copy = new FixtureCopy();
        copy.EditJson("added_tokens.json", tokens => tokens.Remove("<image>"));
        copy.EditJson("tokenizer_config.json", config => config["added_tokens_decoder"]!.AsObject().Remove("512"));
        var e = Assert.IsType<TokenizerFormatException>(LoadFails(copy));
        Assert.Contains(copy.File("tokenizer.model"), e.Message);
        Assert.Contains("no '<image>' token", e.Message);
        Assert.Contains("added_tokens.json", e.Message);
    }

    [Fact]
    public void TruncatedConfigJson_NamesTheFile()
    {
        using var copy = new FixtureCopy();
        var text = File.ReadAllText(copy.File("config.json"));
        File.WriteAllText(copy.File("config.json"), text[..(text.Length / 2)]);
        var e = Assert.IsType<InvalidDataException>(LoadFails(copy));
        Assert.Contains(copy.File("config.json"), e.Message);
        Assert.Contains("malformed JSON", e.Message);
    }

    [Fact]
    public void ConfigJsonWithAWronglyTypedField_NamesTheFileAndTheField()
    {
        using var copy = new FixtureCopy();
        copy.EditJson("config.json", config => config["text_config"]!["num_hidden_layers"] = "four");
        var e = Assert.IsType<InvalidDataException>(LoadFails(copy));
        Assert.Contains(copy.File("config.json"), e.Message);
        Assert.Contains("num_hidden_layers", e.Message);
    }
}
