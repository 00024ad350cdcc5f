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
        Assert.Contains(lines, l => l.StartsWith("rexnet_100   ReXNet_1_0", StringComparison.Ordinal) && l.Contains("4.838") && l.EndsWith("0.415"));
    }

    // The seed's (PaddleClas) table: params in M with BatchNorm statistics, FLOPs in G at 224x224.
    [Fact]
    public void JsonCarriesTheSeedNumbers()
    {
        var r = CliRunner.Run("zoo", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(r.Stderr);
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
        }
        Assert.Equal(4_796_873, rows["rexnet_100"].GetProperty("params_trainable").GetInt64());
        Assert.Equal(1280, rows["rexnet_100"].GetProperty("penultimate_channels").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows["rexnetr_100"].GetProperty("alias").ValueKind);
        Assert.Equal(8, rows["rexnetr_100"].GetProperty("ch_div").GetInt32());
    }

    [Fact]
    public void HelpAndNoArguments()
    {
        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("zoo", help.Stdout);
        Assert.Contains("run", help.Stdout);
        var none = CliRunner.Run();
        Assert.Equal(2, none.ExitCode);
        Assert.Equal(help.Stdout, none.Stdout);
        var commandHelp = CliRunner.Run("run", "--help");
        Assert.Equal(0, commandHelp.ExitCode);
        Assert.StartsWith("usage: rexnet run --weights FILE --input X.npy --output Y.npy [--model NAME]", commandHelp.Stdout);
    }
}
