using System.CommandLine;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.IO;
using RexNet.Model;
using RexNet.Onnx;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet export-onnx`: timm-layout weights to an ONNX model for ONNX Runtime, TensorRT, OpenVINO.</summary>
internal sealed class ExportOnnxCommand : RexNetCommand
{
    private readonly WeightOptions _weights = new();
    private readonly FileOutputOptions _output = new("the ONNX model to write (.onnx), validated before it is written");
    private readonly Option<int> _opset = CliOptions.Int("--opset", $"ONNX opset, {OnnxOpsets.Minimum} to {OnnxOpsets.Maximum}", OnnxOpsets.Default, OnnxOpsets.Minimum, OnnxOpsets.Maximum);
    private readonly Option<bool> _dynamic = CliOptions.Switch("--dynamic", "make batch, height and width symbolic instead of fixed sizes");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "fixed batch size of the graph", 1, 1, 4096);
    private readonly PreprocessingOptions _preprocess = new(exifDefault: null);
    private readonly Option<bool> _keepBn = CliOptions.Switch("--keep-bn", "keep BatchNormalization nodes with timm's tensors instead of folding them into the convs");
    private readonly Option<string> _labels = CliOptions.Path("--labels", "class labels to embed, one per line in class order (default: the ImageNet-1k names for 1000 classes)");

    public ExportOnnxCommand() : base("export-onnx", "Export a model with its weights to ONNX, with the model name, its preprocessing (timm's eval settings) and class labels in the metadata.")
    {
        _weights.AddTo(this);
        _output.AddTo(this);
        Add(_opset);
        Add(_dynamic);
        Add(_batch);
        // Before the size options' own checks: with --dynamic, no size belongs on the command line at all.
        AddCheck(parse => parse.GetValue(_dynamic) && (parse.GetResult(_batch) is { Implicit: false } || _preprocess.InputSize.Given(parse))
            ? "--dynamic makes batch, height and width symbolic: drop --batch/--size/--height/--width"
            : null);
        _preprocess.AddTo(this);
        Add(_keepBn);
        Add(_labels);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet export-onnx --pretrained --model rexnetr_200 --output rexnetr_200.onnx", "timm's weights at their 288x288 eval size, BatchNorm folded"),
        ("rexnet export-onnx --weights w.safetensors --output m.onnx --dynamic --opset 17", "any batch and input size"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        string output = _output.Path(parse);
        string? file = parse.GetValue(_weights.Weights);
        string? labels = parse.GetValue(_labels);
        OutputFile.Check(output, new[] { file, labels }.OfType<string>());
        var (weightsPath, model) = _weights.Resolve(parse, console);

        using var weights = SafeTensorsFile.Open(weightsPath);
        var stateDict = weights.ReadAllFloat32();
        // The head's size and labels come from the weights; a labels file must name every one of its classes.
        var spec = WeightLoader.WithHeadOf(ModelIdentification.Identify(weights, model), stateDict);
        var declared = WeightsMetadata.ReadLabels(weightsPath, weights.Metadata, spec.NumClasses);
        var preprocess = _preprocess.Resolve(parse, ModelZoo.Get(spec.Name).Pretrained);
        bool dynamic = parse.GetValue(_dynamic);
        var options = new OnnxExportOptions
        {
            Opset = parse.GetValue(_opset),
            Dynamic = dynamic,
            Batch = parse.GetValue(_batch),
            Height = preprocess.Height,
            Width = preprocess.Width,
            Preprocess = preprocess,
            ClassLabels = labels is null ? null : ReadLabels(labels, spec.NumClasses),
        };
        bool keepBn = parse.GetValue(_keepBn);
        OnnxModel onnx;
        try
        {
            onnx = keepBn
                ? OnnxExporter.ExportWithBatchNorm(spec, stateDict, options, declared)
                : OnnxExporter.ExportFolded(BatchNormFolding.Fold(spec, stateDict) with { Labels = declared }, options);
        }
        catch (WeightMismatchException e)
        {
            throw new WeightMismatchException($"{weightsPath}: {e.Message}{ModelIdentification.Claim(weights)}");
        }
        OutputFile.Write(output, onnx.WriteTo, console.RawOut);

        string sizes = dynamic ? "[batch, 3, height, width]" : $"[{options.Batch}, 3, {options.Height}, {options.Width}]";
        bool labelled = onnx.Metadata.ContainsKey("rexnet.class_labels");
        _output.Summarise(parse, console,
            $"wrote {output}: {spec.Name}, opset {onnx.Opset} (IR {onnx.IrVersion}), input {sizes}, BatchNorm {(keepBn ? "kept" : "folded")}, " +
            $"{onnx.NodeCount} nodes, {onnx.ParameterCount:N0} parameters, {spec.NumClasses} classes, {(labelled ? "labels embedded" : "no labels embedded")}",
            new ExportSummary(output, spec.Name, weightsPath, onnx.Opset, onnx.IrVersion, sizes, keepBn, onnx.NodeCount, onnx.ParameterCount, spec.NumClasses, labelled,
                PreprocessSettings.Of(preprocess)));
        return ExitCodes.Ok;
    }

    /// <summary>A plain-text label list: one label per line, one line per class, in class-index order.</summary>
    private static IReadOnlyList<string> ReadLabels(string path, int numClasses)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        var lines = InputFile.Guard(path, () => File.ReadAllLines(path)).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        int blank = lines.FindIndex(string.IsNullOrWhiteSpace);
        if (blank >= 0)
        {
            throw new InvalidInputFileException(path, $"line {blank + 1} is blank; every class needs a label");
        }
        if (lines.Count != numClasses)
        {
            throw new InvalidInputFileException(path, $"{lines.Count} labels, but the model has {numClasses} classes (one label per line)");
        }
        return lines;
    }
}
