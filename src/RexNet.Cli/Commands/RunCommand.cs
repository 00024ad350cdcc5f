using RexNet.IO;
using RexNet.Model;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet run`: .npy in, .npy logits (or pooled features) out. The parity-testing interface.</summary>
internal sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Summary => "run a float32 NCHW .npy tensor through a model and write logits as .npy";
    public string Usage => "--weights FILE --input X.npy --output Y.npy [--model NAME] [--device auto|cpu|cuda|cuda:N] [--gemm kernels|cublas] [--features]";
    public IReadOnlyCollection<string> Flags => ["model", "weights", "input", "output", "device", "gemm"];
    public IReadOnlyCollection<string> Switches => ["features"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        string inputPath = args.Require("input");
        string outputPath = args.Require("output");
        var device = ModelArguments.Device(args, DeviceSpec.Auto);
        var gemm = args.GetEnum("gemm", CudaGemm.Kernels);
        string? model = args.Get("model");
        string weights = args.Require("weights");
        OutputFile.Check(outputPath, [inputPath, weights]);

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
            Model = model, Weights = weights, MaxBatch = batch, Height = height, Width = width, Gemm = gemm,
        }.WithDevice(device));
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
        OutputFile.Write(outputPath, s => NpyFile.WriteFloat32(s, [batch, perImage], result), rawStdout);
        stderr.WriteLine($"{engine.Spec.Name} on {engine.Device}: {batch}x3x{height}x{width} -> {outputPath} [{batch}, {perImage}]");
        return CommandLine.ExitOk;
    }
}
