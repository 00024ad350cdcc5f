using System.CommandLine;
using RexNet.Model;

namespace RexNet.Cli.Options;

/// <summary>What the benchmarks share: the model (random-init weights), batch sizes, input size, runs, warm-up and threads.</summary>
internal sealed class BenchmarkOptions(int[] batches, int runs, int warmup, string threads)
{
    public Option<string?> Model { get; } = WeightOptions.ModelOption("the model to time (random-init weights; speed does not depend on them)", "rexnet_100");
    public Option<IntList> Batch { get; } = CliOptions.IntList("--batch", "batch sizes to time, one table row each", batches, 1, 256);
    public InputSizeOptions Size { get; } = new("224");
    public Option<int> Runs { get; } = CliOptions.Int("--runs", "timed runs per batch size; the percentiles rest on these", runs, 1, 1_000_000);
    public Option<int> Warmup { get; } = CliOptions.Int("--warmup", "untimed runs per batch size before timing", warmup, 0, 100_000);
    public Option<int?> Threads { get; } = CliOptions.Threads(threads);

    public void AddTo(RexNetCommand command)
    {
        command.Add(Model);
        command.Add(Batch);
        Size.AddTo(command);
        command.Add(Runs);
        command.Add(Warmup);
        command.Add(Threads);
    }

    public BenchmarkSettings Resolve(ParseResult parse, CliConsole console, string command)
    {
        var (height, width) = Size.Resolve(parse, 224);
        return new BenchmarkSettings(ModelSpec.FromZoo(parse.GetValue(Model)!), parse.GetValue(Batch)!.Values, height, width,
            parse.GetValue(Runs), parse.GetValue(Warmup), CliOptions.Threads(parse, Threads, console, command));
    }
}

internal sealed record BenchmarkSettings(ModelSpec Spec, int[] Batches, int Height, int Width, int Runs, int Warmup, int? Threads);
