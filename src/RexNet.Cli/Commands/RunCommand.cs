using System.CommandLine;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.IO;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet run`: .npy in, .npy logits (or pooled features) out. The parity-testing interface.</summary>
internal sealed class RunCommand : RexNetCommand
{
    private readonly WeightOptions _weights = new();
    private readonly Option<string> _input = CliOptions.Path("--input", "float32 [batch, 3, height, width] tensor (.npy), e.g. from 'rexnet preprocess'", required: true);
    private readonly FileOutputOptions _output = new("the float32 [batch, classes] logits (or [batch, features]) to write (.npy)");
    private readonly Option<DeviceSpec> _device = CliOptions.Device(DeviceSpec.Auto);
    private readonly Option<CudaGemm?> _gemm = CliOptions.Gemm();
    private readonly Option<int?> _threads = CliOptions.Threads();
    private readonly Option<bool> _features = CliOptions.Switch("--features", "write the pooled features before the classifier instead of the logits");

    public RunCommand() : base("run", "Run a float32 NCHW .npy tensor through a model and write its logits (or pooled features) as .npy.")
    {
        _weights.AddTo(this);
        Add(_input);
        _output.AddTo(this);
        Add(_device);
        Add(_gemm);
        Add(_threads);
        Add(_features);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet run --weights w.safetensors --input x.npy --output logits.npy", "logits for every image of x.npy"),
        ("rexnet run --pretrained --model rexnet_150 --input x.npy --output f.npy --features", "pooled features of timm's rexnet_150"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        string inputPath = parse.GetValue(_input)!;
        string outputPath = _output.Path(parse);
        string? file = parse.GetValue(_weights.Weights);
        OutputFile.Check(outputPath, file is null ? [inputPath] : [inputPath, file]);
        int? threads = CliOptions.Threads(parse, _threads, console, Name);

        var (shape, data) = NchwInput.Read(inputPath);
        int batch = shape[0], height = shape[2], width = shape[3];

        var (weights, model) = _weights.Resolve(parse, console);
        using var engine = RexNetEngine.Create(new EngineOptions
        {
            Model = model, Weights = weights, MaxBatch = batch, Height = height, Width = width, Threads = threads,
            Gemm = parse.GetValue(_gemm) ?? CudaGemm.Kernels,
        }.WithDevice(parse.GetValue(_device)));
        bool features = parse.GetValue(_features);
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
        OutputFile.Write(outputPath, s => NpyFile.WriteFloat32(s, [batch, perImage], result), console.RawOut);
        _output.Summarise(parse, console, $"{engine.Spec.Name} on {engine.Device}: {batch}x3x{height}x{width} -> {outputPath} [{batch}, {perImage}]",
            new RunSummary(inputPath, outputPath, engine.Spec.Name, "rexnet", engine.Device.ToString().ToLowerInvariant(),
                shape, [batch, perImage], features));
        return ExitCodes.Ok;
    }
}
