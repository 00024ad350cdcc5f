using System.Text.Json;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cli;

public class ZooCommandTests
{
    [Fact]
    public void TableListsEveryModel()
    {
        var r = CliRunner.Run("zoo");
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.StartsWith("model", lines[0]);
        foreach (var name in RexNet.Model.ModelZoo.All.Select(e => e.Name))
        {
            Assert.Single(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        }
        Assert.Contains(lines, l => l.StartsWith("rexnet_100   ReXNet_1_0", StringComparison.Ordinal) && l.Contains("4.838") && l.Contains(" 0.415 ") && l.EndsWith("nav_in1k (224, 0.875)"));
    }

    // The seed's (PaddleClas) table: params in M with BatchNorm statistics, FLOPs in G at 224x224.
    [Fact]
    public void JsonCarriesTheSeedNumbers()
    {
        var r = CliRunner.Run("zoo", "--json");
        Assert.Equal(0, r.ExitCode);
        // The table moves to stderr.
        Assert.StartsWith("model", r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var rows = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(10, rows.Count);
        (string Name, string Alias, double ParamsM, double FlopsG)[] seed =
        [
            ("rexnet_100", "ReXNet_1_0", 4.838, 0.415),
            ("rexnet_130", "ReXNet_1_3", 7.611, 0.683),
            ("rexnet_150", "ReXNet_1_5", 9.791, 0.900),
            ("rexnet_200", "ReXNet_2_0", 16.449, 1.561),
            ("rexnet_300", "ReXNet_3_0", 34.833, 3.445),
        ];
        foreach (var (name, alias, paramsM, flopsG) in seed)
        {
            var row = rows[name];
            Assert.Equal(alias, row.GetProperty("alias").GetString());
            Assert.Equal(paramsM, Math.Round(row.GetProperty("params_with_bn_stats").GetInt64() / 1e6, 3));
            Assert.Equal(flopsG, Math.Round(row.GetProperty("flops_224").GetInt64() / 1e9, 3));
            Assert.Equal($"timm/{name}.nav_in1k", row.GetProperty("hub").GetString());
            Assert.Equal(224, row.GetProperty("eval_size").GetInt32());
        }
        Assert.Equal(4_796_873, rows["rexnet_100"].GetProperty("params_trainable").GetInt64());
        Assert.Equal(1280, rows["rexnet_100"].GetProperty("penultimate_channels").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows["rexnetr_100"].GetProperty("alias").ValueKind);
        Assert.Equal(8, rows["rexnetr_100"].GetProperty("ch_div").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows["rexnetr_100"].GetProperty("hub").ValueKind);
        Assert.StartsWith("timm publishes no pretrained weights for rexnetr_100", rows["rexnetr_100"].GetProperty("no_pretrained").GetString());
        Assert.Equal("timm/rexnetr_200.sw_in12k_ft_in1k", rows["rexnetr_200"].GetProperty("hub").GetString());
        Assert.Equal(288, rows["rexnetr_200"].GetProperty("eval_size").GetInt32());
        Assert.Equal(1.0, rows["rexnetr_200"].GetProperty("eval_crop_pct").GetDouble());
    }

    [Fact]
    public void TheTableSaysWhichModelsHaveNoPublishedWeights()
    {
        var lines = CliRunner.Run("zoo").Stdout.Split('\n');
        Assert.EndsWith("none published", lines.Single(l => l.StartsWith("rexnetr_130 ", StringComparison.Ordinal)));
        Assert.EndsWith("sw_in12k_ft_in1k (288, 1)", lines.Single(l => l.StartsWith("rexnetr_300 ", StringComparison.Ordinal)));
    }

    [Fact]
    public void CsvOutputHasOneRowPerModel()
    {
        using var dir = TestPaths.TempDir();
        var r = CliRunner.Run("zoo", "--output", dir.File("zoo.csv"));
        Assert.Equal(0, r.ExitCode);
        var rows = File.ReadAllLines(dir.File("zoo.csv"));
        Assert.StartsWith("name,alias,width_mult,ch_div,", rows[0]);
        Assert.Equal(11, rows.Length);
        Assert.StartsWith("rexnet_100,ReXNet_1_0,1,1,4838", rows[1]);
    }
}
