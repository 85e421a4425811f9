using Blink.Workbench.Data.Testbed;
using Blink.Workbench.Tests.Evaluation;
using Blink.Workbench.Text;
using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Training;

[Collection("Torch")]
public class FeatureCacheTests
{
    [Fact]
    public void Cache_IsReusedUnderTheSameKey_AndRefusedWhenModelOrPromptChange()
    {
        using var temp = new TempFolder();
        var data = TokenSRFixtures.Data(TestbedSplit.Train, 2);
        var cache = new FeatureCache(temp.File("cache"));
        using var bundle = TokenSRFixtures.Bundle(seed: 1);
        var options = TokenSRFixtures.Extraction(bundle);
        var extractor = new TeacherStudentExtractor(bundle, options);
        var key = FeatureCacheKey.For(bundle, options, data);

        var first = cache.ExtractShard(extractor, data, key, 1, 0);
        Assert.False(first.Reused);
        Assert.Equal(4, first.Pairs); // 2 samples × 2 layers
        var forwards = extractor.Forwards;
        var second = cache.ExtractShard(extractor, data, key, 1, 0);
        Assert.True(second.Reused);
        Assert.Equal(forwards, extractor.Forwards);
        cache.Merge(key, 1);
        using (var set = cache.Load(key)) Assert.Equal(4, set.TotalCount);

        // Another model (other weights): a clear error naming the model field, for extraction and for loading.
        using var other = TokenSRFixtures.Bundle(seed: 2);
        var otherKey = FeatureCacheKey.For(other, options, data);
        var e = Assert.Throws<FeatureCacheMismatchException>(() => cache.ExtractShard(new TeacherStudentExtractor(other, options), data, otherKey, 1, 0));
        Assert.Contains("model:", e.Message);
        Assert.Contains("--rebuild-cache", e.Message);
        Assert.Throws<FeatureCacheMismatchException>(() => cache.Load(otherKey));

        // Another prompt template: also refused.
        using var prompted = TokenSRFixtures.Bundle(seed: 1, template: new PromptTemplate("testbed2", "<image>\nuser : {question} assistant : the"));
        var promptKey = FeatureCacheKey.For(prompted, options, data);
        Assert.Equal(key.Model, promptKey.Model);
        var p = Assert.Throws<FeatureCacheMismatchException>(() => cache.Merge(promptKey, 1));
        Assert.Contains("prompt_template", p.Message);

        // Another region policy changes the key too; with rebuild the shard is extracted again.
        var policyKey = FeatureCacheKey.For(bundle, options with { RandomRegionRatio = 0.5 }, data);
        Assert.Contains(key.Differences(policyKey), d => d.StartsWith("region_policy", StringComparison.Ordinal));
        var rebuilt = cache.ExtractShard(new TeacherStudentExtractor(bundle, options with { RandomRegionRatio = 0.5 }), data, policyKey, 1, 0, rebuild: true);
        Assert.False(rebuilt.Reused);
        Assert.Throws<FeatureCacheMismatchException>(() => cache.Load(policyKey)); // the manifest still names the old key until merged
        cache.Merge(policyKey, 1);
        using (var set = cache.Load(policyKey)) Assert.Equal(4, set.TotalCount);
    }

    [Fact]
    public void ShardedExtractionAndMerge_EqualsUnshardedExtraction()
    {
        using var temp = new TempFolder();
        using var bundle = TokenSRFixtures.Bundle();
        var options = TokenSRFixtures.Extraction(bundle, randomRatio: 0.5);
        var data = TokenSRFixtures.Data(TestbedSplit.Train, 3);
        var key = FeatureCacheKey.For(bundle, options, data);
        var extractor = new TeacherStudentExtractor(bundle, options);

        var whole = new FeatureCache(temp.File("whole"));
        whole.ExtractShard(extractor, data, key, 1, 0);
        whole.Merge(key, 1);

        var sharded = new FeatureCache(temp.File("sharded"));
        Assert.Throws<InvalidOperationException>(() => sharded.Merge(key, 4)); // nothing extracted yet
        for (var i = 3; i >= 0; i--) sharded.ExtractShard(extractor, data, key, 4, i); // 1, 1, 1, 0 samples; any order
        sharded.Merge(key, 4);

        using var a = whole.Load(key);
        using var b = sharded.Load(key);
        Assert.Equal(a.Layers, b.Layers);
        foreach (var layer in a.Layers)
        {
            Assert.Equal(3, a.Count(layer));
            Assert.Equal(a.Infos(layer).Select(Describe), b.Infos(layer).Select(Describe));
            TensorAssert.Identical(a.Students(layer), b.Students(layer), $"students {layer}");
            TensorAssert.Identical(a.Teachers(layer), b.Teachers(layer), $"teachers {layer}");
        }
    }

    private static string Describe(TokenSRPairInfo i) => $"{i.Sample}/{i.SampleId}/{i.Layer}/{i.Row},{i.Col}/{string.Join(",", i.Box)}/{i.Random}/{i.Rho:R}";
}
