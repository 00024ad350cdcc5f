using RexNet.Cli.OnnxRuntime;
using RexNet.IO;
using RexNet.Model;

namespace RexNet.Cli.Commands;

/// <summary>
/// `rexnet run-onnx`: an exported model through ONNX Runtime (CPU), .npy in and .npy logits out, so that
/// users can compare engines on their own inputs. A command of its own rather than a `run --backend`
/// option: an ONNX file carries its own weights and sizes, so none of run's --model/--weights/--device
/// flags would apply, and run stays one engine with one set of rules.
/// </summary>
internal sealed class RunOnnxCommand : ICommand
{
    public string Name => "run-onnx";
    public string Summary => "run a float32 NCHW .npy tensor through an ONNX model with ONNX Runtime (CPU)";
    public string Usage => "--onnx MODEL.onnx --input X.npy --output Y.npy [--threads N]";
    public IReadOnlyCollection<string> Flags => ["onnx", "input", "output", "threads"];
    public IReadOnlyCollection<string> Switches => [];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        string modelPath = args.Require("onnx");
        string inputPath = args.Require("input");
        string outputPath = args.Require("output");
        int threads = args.GetInt("threads", Environment.ProcessorCount, 1, 1024);
        OutputFile.Check(outputPath, [modelPath, inputPath]);

        var (shape, data) = NpyFile.ReadFloat32(inputPath);
        if (shape.Length != 4 || shape[1] != ModelSpec.InputChannels || shape[0] < 1)
        {
            throw new InvalidInputFileException(inputPath,
                $"expected a float32 [batch, 3, height, width] tensor, got shape ({string.Join(", ", shape)})");
        }
        ModelSpec.ValidateInputSize(shape[2], shape[3]);

        using var runner = OnnxRuntimeRunner.FromFile(modelPath, threads);
        runner.CheckInputShape(shape, inputPath);
        var logits = runner.Run(data, shape);
        OutputFile.Write(outputPath, s => NpyFile.WriteFloat32(s, [shape[0], runner.NumClasses], logits), rawStdout);
        stderr.WriteLine($"{modelPath} on ONNX Runtime {OnnxRuntimeRunner.Version} (CPU): " +
                         $"{string.Join("x", shape)} -> {outputPath} [{shape[0]}, {runner.NumClasses}]");
        return CommandLine.ExitOk;
    }
}
