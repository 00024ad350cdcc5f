using System.Text.Json;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Cli;

/// <summary>`rexnet eval` refusing datasets it cannot score, its timm-style CSV row; `rexnet bench`'s statistics.</summary>
[Collection(CliCollection.Name)]
public class EvalAndBenchCommandTests(CliModelFiles files)
{
    private static string Image(string name) => Path.Combine(TestPaths.RequireSharedFolder(TestPaths.Images), name);

    [Fact]
    public void AnEmptyDatasetIsRefusedWithExit1()
    {
        using var dir = TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("val/n01440764"));
        File.WriteAllText(dir.File("val/n01440764/readme.txt"), "no images here");
        var r = CliRunner.Run("eval", dir.File("val"), "--weights", files.Rexnet100, "--device", "cpu", "--size", "64");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"rexnet eval: {dir.File("val")}: no images to evaluate", Assert.Single(r.StderrLines));
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void ADatasetOfUnreadableImagesHasNoAccuracyToReport()
    {
        using var dir = TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("val/7"));
        File.Copy(Image("truncated.jpg"), dir.File("val/7/a.jpg"));
        var r = CliRunner.Run("eval", dir.File("val"), "--weights", files.Rexnet100, "--device", "cpu", "--size", "64", "--output", dir.File("e.json"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("rexnet eval: none of the 1 images could be read; no accuracy to report", r.StderrLines[^1]);
        Assert.DoesNotContain("top-1", r.Stdout);
        Assert.False(File.Exists(dir.File("e.json")));
    }

    [Fact]
    public void CsvIsOneRowAsTimmsValidateWritesIt()
    {
        using var dir = TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("val/n02123045"));
        File.Copy(Image("chelsea.png"), dir.File("val/n02123045/chelsea.png"));
        File.Copy(Image("coffee.png"), dir.File("val/n02123045/coffee.png"));
        var r = CliRunner.Run("eval", dir.File("val"), "--weights", files.Rexnet100, "--device", "cpu", "--height", "64", "--width", "80",
            "--output", dir.File("e.csv"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("2 images, 2 evaluated, 0 unreadable", r.Stdout);
        var rows = File.ReadAllLines(dir.File("e.csv"));
        Assert.Equal(2, rows.Length);
        Assert.Equal("model,top1,top1_err,top5,top5_err,param_count,img_size,crop_pct,interpolation,images,evaluated,unreadable,images_per_second,weights", rows[0]);
        var cells = rows[1].Split(',');
        Assert.Equal("rexnet_100", cells[0]);
        Assert.Equal(100.0, double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), 6);
        Assert.Equal(["4.8", "64x80", "0.875", "bicubic", "2", "2", "0"], cells[5..12]);
    }

    [Fact]
    public void BenchReportsMeanAndP95AndTheRunsItsPercentilesRestOn()
    {
        using var dir = TestPaths.TempDir();
        var r = CliRunner.Run("bench", "--batch", "1,2", "--size", "32", "--runs", "7", "--warmup", "1", "--device", "cpu", "--threads", "1",
            "--json", "--output", dir.File("b.csv"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(" mean ms ", r.Stderr);
        Assert.Contains(" p95 ms ", r.Stderr);
        Assert.Contains("7 timed runs per row after 1 warm-up; percentiles are nearest-rank over those 7 runs (p99 is the slowest run, and so is p95)", r.Stderr);

        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal(7, json.RootElement.GetProperty("runs").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("threads").GetInt32());
        foreach (var row in json.RootElement.GetProperty("results").EnumerateArray())
        {
            Assert.Equal(7, row.GetProperty("runs").GetInt32());
            double min = row.GetProperty("min_ms").GetDouble(), mean = row.GetProperty("mean_ms").GetDouble();
            double p50 = row.GetProperty("p50_ms").GetDouble(), p95 = row.GetProperty("p95_ms").GetDouble(), max = row.GetProperty("max_ms").GetDouble();
            Assert.True(min <= p50 && p50 <= p95 && p95 <= max && min <= mean && mean <= max, row.GetRawText());
            Assert.Equal(max, p95);
        }
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("machine").GetProperty("os").GetString()));

        var rows = File.ReadAllLines(dir.File("b.csv"));
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("model,device,height,width,threads,batch,runs,mean_ms,p50_ms,p90_ms,p95_ms,p99_ms,", rows[0]);
        Assert.StartsWith("rexnet_100,cpu,32,32,1,1,7,", rows[1]);
    }

    [Fact]
    public void LatencyPercentilesAreNearestRank()
    {
        var stats = RexNet.Cli.Benchmarking.LatencyStats.Of(Enumerable.Range(1, 200).Select(i => (double)i).Reverse().ToArray());
        Assert.Equal((200, 100.5, 100.0, 180.0, 190.0, 198.0, 1.0, 200.0),
            (stats.Runs, stats.Mean, stats.P50, stats.P90, stats.P95, stats.P99, stats.Min, stats.Max));
    }
}
