using System.CommandLine;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.IO;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet init`: a random-init weight file in timm's layout (not pretrained).</summary>
internal sealed class InitCommand : RexNetCommand
{
    private readonly Option<string?> _model = WeightOptions.ModelOption("the model to initialise ('rexnet zoo' lists them)");
    private readonly Option<int> _seed = CliOptions.Int("--seed", "seed of the random initialisation (timm's init scheme)", 0, 0, int.MaxValue);
    private readonly FileOutputOptions _output = new("the .safetensors file to write, in timm's tensor names, with the model name in its metadata");

    public InitCommand() : base("init", "Write random (NOT pretrained) weights in timm's layout: for tests, benchmarks and offline use.")
    {
        _model.Required = true;
        Add(_model);
        Add(_seed);
        _output.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet init --model rexnet_100 --seed 0 --output rexnet_100_random.safetensors", "random rexnet_100 weights (predictions are meaningless)"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var spec = ModelSpec.FromZoo(parse.GetValue(_model)!);
        int seed = parse.GetValue(_seed);
        string output = _output.Path(parse);
        OutputFile.Check(output, []);
        OutputFile.Write(output, s => RandomInit.Write(spec, seed, s), console.RawOut);
        _output.Summarise(parse, console, $"wrote {output}: {spec.Name}, random init with seed {seed} (not pretrained)",
            new InitSummary(output, spec.Name, seed, Pretrained: false));
        return ExitCodes.Ok;
    }
}
