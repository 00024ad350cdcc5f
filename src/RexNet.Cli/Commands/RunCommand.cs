using RexNet.IO;
using RexNet.Model;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet run`: .npy in, .npy logits (or pooled features) out. The parity-testing interface.</summary>
internal sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Summary => "run a float32 NCHW .npy tensor through a model and write logits as .npy";
    public string Usage => "--model NAME --weights FILE --input X.npy --output Y.npy [--device auto|cpu|cuda] [--features]";
    public IReadOnlyCollection<string> Flags => ["model", "weights", "input", "output", "device"];
    public IReadOnlyCollection<string> Switches => ["features"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr)
    {
        args.NoPositionals();
        string inputPath = args.Require("input");
        string outputPath = args.Require("output");
        var device = args.GetEnum("device", DeviceKind.Auto);
        var spec = ModelSpec.FromZoo(args.Require("model"));
        string weights = args.Require("weights");

        var (shape, data) = NpyFile.ReadFloat32(inputPath);
        if (shape.Length != 4 || shape[1] != ModelSpec.InputChannels || shape[0] < 1)
        {
            throw new InvalidInputFileException(inputPath,
                $"expected a float32 [batch, 3, height, width] tensor, got shape ({string.Join(", ", shape)})");
        }
        int batch = shape[0], height = shape[2], width = shape[3];
        try
        {
            ModelSpec.ValidateInputSize(height, width);
        }
        catch (RexNetException e)
        {
            // The size came from the file, so the file is what is wrong.
            throw new InvalidInputFileException(inputPath, e.Message);
        }

        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = spec.Name, Weights = weights, Device = device, MaxBatch = batch, Height = height, Width = width,
        });
        bool features = args.Has("features");
        int perImage = features ? engine.FeatureCount : engine.NumClasses;
        var result = new float[batch * perImage];
        if (features)
        {
            engine.RunFeatures(data, result);
        }
        else
        {
            engine.Run(data, result);
        }
        NpyFile.WriteFloat32(outputPath, [batch, perImage], result);
        stderr.WriteLine($"{spec.Name} on {engine.Device}: {batch}x3x{height}x{width} -> {outputPath} [{batch}, {perImage}]");
        return CommandLine.ExitOk;
    }
}
