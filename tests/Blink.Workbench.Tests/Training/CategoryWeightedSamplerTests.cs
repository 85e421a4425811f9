using Blink.Workbench.Training;

namespace Blink.Workbench.Tests.Training;

public class CategoryWeightedSamplerTests
{
    // An unbalanced pool: 60 "a", 30 "b", 10 "c" examples.
    private static readonly string[] Pool =
        Enumerable.Repeat("a", 60).Concat(Enumerable.Repeat("b", 30)).Concat(Enumerable.Repeat("c", 10)).ToArray();

    [Fact]
    public void FamilyShares_FollowTheWeights_WhateverThePoolsComposition()
    {
        var sampler = new CategoryWeightedSampler(Pool, new Dictionary<string, double> { ["a"] = 1, ["b"] = 2 }, seed: 5); // c: 1
        var counts = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        var perExample = new int[Pool.Length];
        const int steps = 2000, batch = 16;
        for (var s = 0; s < steps; s++)
            foreach (var i in sampler.Batch(s, batch)) { counts[Pool[i]]++; perExample[i]++; }
        const double n = steps * batch;
        // Expected shares 1/4, 2/4, 1/4; binomial standard error at 32,000 draws is under 0.003.
        Assert.InRange(counts["a"] / n, 0.24, 0.26);
        Assert.InRange(counts["b"] / n, 0.49, 0.51);
        Assert.InRange(counts["c"] / n, 0.24, 0.26);
        // Within a family every example is equally likely: each "c" example gets a tenth of the family's draws.
        for (var i = 90; i < 100; i++) Assert.InRange(perExample[i] / (double)counts["c"], 0.08, 0.12);
    }

    [Fact]
    public void ABatch_DependsOnlyOnSeedAndStep()
    {
        var weights = new Dictionary<string, double> { ["c"] = 3 };
        var one = new CategoryWeightedSampler(Pool, weights, seed: 1);
        var other = new CategoryWeightedSampler(Pool, weights, seed: 1);
        Assert.Equal(one.Batch(7, 32), other.Batch(7, 32));
        Assert.Equal(one.Batch(7, 32), one.Batch(7, 32));
        Assert.NotEqual(one.Batch(7, 32), one.Batch(8, 32));
        Assert.NotEqual(one.Batch(7, 32), new CategoryWeightedSampler(Pool, weights, seed: 2).Batch(7, 32));
    }

    [Fact]
    public void AFamilyOfWeightZero_IsNeverDrawn()
    {
        var sampler = new CategoryWeightedSampler(Pool, new Dictionary<string, double> { ["a"] = 0 }, seed: 9);
        for (var s = 0; s < 200; s++)
            Assert.All(sampler.Batch(s, 32), i => Assert.NotEqual("a", Pool[i]));
        Assert.Throws<ArgumentException>(() =>
            new CategoryWeightedSampler(Pool, new Dictionary<string, double> { ["a"] = 0, ["b"] = 0, ["c"] = 0 }, seed: 9));
    }

    [Theory]
    [InlineData("colour", 1.0, "names 'colour', which is not among the testbed's categories")]
    [InlineData("count", -1.0, "CategoryWeights['count'] must be a finite weight ≥ 0, got -1")]
    [InlineData("count", double.NaN, "CategoryWeights['count'] must be a finite weight ≥ 0")]
    [InlineData("count", double.PositiveInfinity, "CategoryWeights['count'] must be a finite weight ≥ 0")]
    public void ImpossibleWeights_AreRejectedByTheOptions(string category, double weight, string message)
    {
        var options = new BaseTrainingOptions { CategoryWeights = new Dictionary<string, double> { [category] = weight } };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void AllWeightsZero_IsRejectedByTheOptions()
    {
        var options = new BaseTrainingOptions
        {
            Testbed = new() { Categories = ["count", "color"] },
            CategoryWeights = new Dictionary<string, double> { ["count"] = 0, ["color"] = 0 },
        };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("every category weight 0", ex.Message);
    }
}
