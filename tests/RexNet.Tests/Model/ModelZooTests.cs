using RexNet.Model;

namespace RexNet.Tests.Model;

public class ModelZooTests
{
    // The seed's (PaddleClas) table: params in M (BN statistics included) and FLOPs in G at 224x224.
    [Theory]
    [InlineData("ReXNet_1_0", 4.838, 0.415)]
    [InlineData("ReXNet_1_3", 7.611, 0.683)]
    [InlineData("ReXNet_1_5", 9.791, 0.900)]
    [InlineData("ReXNet_2_0", 16.449, 1.561)]
    [InlineData("ReXNet_3_0", 34.833, 3.445)]
    public void SeedTableIsReproducedExactly(string alias, double paramsM, double flopsG)
    {
        var cost = ModelCost.Compute(ModelSpec.FromZoo(alias));
        Assert.Equal(paramsM, Math.Round(cost.ParametersWithBnStatistics / 1e6, 3));
        Assert.Equal(flopsG, Math.Round(cost.Flops / 1e9, 3));
    }

    [Fact]
    public void TimmTrainableCountOfRexnet100()
    {
        var cost = ModelCost.Compute(ModelSpec.FromZoo("rexnet_100"));
        Assert.Equal(4_796_873, cost.TrainableParameters);
        Assert.Equal(4.80, Math.Round(cost.TrainableParameters / 1e6, 2));
    }

    [Fact]
    public void Rexnet100ChannelsMatchTimm()
    {
        var spec = ModelSpec.FromZoo("rexnet_100");
        Assert.Equal(32, spec.StemChannels);
        Assert.Equal(1280, spec.PenultimateChannels);
        // Output widths of features.0..15 as timm's activations record them.
        Assert.Equal([16, 27, 38, 50, 61, 72, 84, 95, 106, 117, 128, 140, 151, 162, 174, 185], spec.Blocks.Select(b => b.OutChannels));
        Assert.Equal([1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1], spec.Blocks.Select(b => b.Stride));
        Assert.All(spec.Blocks.Take(3), b => Assert.False(b.HasSe));
        Assert.All(spec.Blocks.Skip(3), b => Assert.True(b.HasSe));
        Assert.False(spec.Blocks[0].HasExpand);
        Assert.Equal(96, spec.Blocks[1].DwChannels);
    }

    [Fact]
    public void RoundedVariantUsesDivisor8()
    {
        var spec = ModelSpec.FromZoo("rexnetr_100");
        Assert.All(spec.Blocks, b => Assert.Equal(0, b.OutChannels % 8));
        Assert.All(spec.Blocks, b => Assert.Equal(0, b.DwChannels % 8));
        var r300 = ModelSpec.FromZoo("rexnetr_300");
        Assert.All(r300.Blocks, b => Assert.Equal(0, b.OutChannels % 16));
    }

    [Fact]
    public void UnknownModelNamesTheKnownOnes()
    {
        var e = Assert.Throws<RexNetException>(() => ModelSpec.FromZoo("rexnet_999"));
        Assert.Equal(RexNetErrorCode.NotFound, e.Code);
        Assert.Contains("rexnet_100", e.Message);
    }

    [Theory]
    [InlineData(16.0, 8, 16)]
    [InlineData(27.0, 8, 32)]
    [InlineData(1664.0000000000002, 1, 1664)]
    [InlineData(3.0, 8, 8)]
    [InlineData(12.0, 8, 16)]
    public void MakeDivisibleMatchesTimm(double value, int divisor, int expected) =>
        Assert.Equal(expected, ChannelMath.MakeDivisible(value, divisor));
}
