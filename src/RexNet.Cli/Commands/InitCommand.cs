using RexNet.IO;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet init`: a random-init weight file in timm's layout (not pretrained).</summary>
internal sealed class InitCommand : ICommand
{
    public string Name => "init";
    public string Summary => "write random (NOT pretrained) weights in timm's layout";
    public string Usage => "--model NAME --output FILE [--seed N]";
    public IReadOnlyCollection<string> Flags => ["model", "seed", "output"];
    public IReadOnlyCollection<string> Switches => [];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        var spec = ModelSpec.FromZoo(args.Require("model"));
        int seed = args.GetInt("seed", 0, 0);
        string output = args.Require("output");
        OutputFile.Check(output, []);
        OutputFile.Write(output, s => RandomInit.Write(spec, seed, s), rawStdout);
        (OutputFile.IsStandardOutput(output) ? stderr : stdout).WriteLine($"wrote {output}: {spec.Name}, random init with seed {seed} (not pretrained)");
        return CommandLine.ExitOk;
    }
}
