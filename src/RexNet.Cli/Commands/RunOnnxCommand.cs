using System.CommandLine;
using RexNet.Cli.OnnxRuntime;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>
/// `rexnet run-onnx`: an exported model through ONNX Runtime (CPU), .npy in and .npy logits out, so that
/// users can compare engines on their own inputs. A command of its own rather than a `run --backend`
/// option: an ONNX file carries its own weights and sizes, so none of run's --model/--weights/--device
/// options would apply, and run stays one engine with one set of rules.
/// </summary>
internal sealed class RunOnnxCommand : RexNetCommand
{
    private readonly Option<string> _onnx = CliOptions.Path("--onnx", "the ONNX model (as 'rexnet export-onnx' writes it: input 'input', output 'logits')", required: true, helpName: "MODEL.onnx");
    private readonly Option<string> _input = CliOptions.Path("--input", "float32 [batch, 3, height, width] tensor (.npy)", required: true);
    private readonly FileOutputOptions _output = new("the float32 [batch, classes] logits to write (.npy)");
    private readonly Option<int?> _threads = CliOptions.Threads("ONNX Runtime's intra-op threads");

    public RunOnnxCommand() : base("run-onnx", "Run a float32 NCHW .npy tensor through an ONNX model with ONNX Runtime (CPU) and write the logits as .npy.")
    {
        Add(_onnx);
        Add(_input);
        _output.AddTo(this);
        Add(_threads);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet run-onnx --onnx m.onnx --input x.npy --output ort.npy", "ONNX Runtime's logits, to compare with 'rexnet run'"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        string modelPath = parse.GetValue(_onnx)!;
        string inputPath = parse.GetValue(_input)!;
        string outputPath = _output.Path(parse);
        int threads = CliOptions.Threads(parse, _threads, console, Name) ?? Environment.ProcessorCount;
        OutputFile.Check(outputPath, [modelPath, inputPath]);

        var (shape, data) = NchwInput.Read(inputPath);

        using var runner = OnnxRuntimeRunner.FromFile(modelPath, threads);
        runner.CheckInputShape(shape, inputPath);
        var logits = runner.Run(data, shape);
        OutputFile.Write(outputPath, s => NpyFile.WriteFloat32(s, [shape[0], runner.NumClasses], logits), console.RawOut);
        _output.Summarise(parse, console,
            $"{modelPath} on ONNX Runtime {OnnxRuntimeRunner.Version} (CPU): {string.Join("x", shape)} -> {outputPath} [{shape[0]}, {runner.NumClasses}]",
            new RunSummary(inputPath, outputPath, modelPath, $"onnxruntime {OnnxRuntimeRunner.Version}", "cpu", shape, [shape[0], runner.NumClasses], Features: false));
        return ExitCodes.Ok;
    }
}
