using RexNet.IO;
using RexNet.Model;
using RexNet.Onnx;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet export-onnx`: a timm-layout weight file to an ONNX model for ONNX Runtime, TensorRT, OpenVINO.</summary>
internal sealed class ExportOnnxCommand : ICommand
{
    public string Name => "export-onnx";
    public string Summary => "export a model with its weights to ONNX (BatchNorm folded, or kept with --keep-bn)";
    public string Usage =>
        $"--weights FILE --output MODEL.onnx [--model NAME] [--opset {OnnxOpsets.Minimum}..{OnnxOpsets.Maximum} (default {OnnxOpsets.Default})] " +
        "[--dynamic | --batch N --height H --width W] [--keep-bn] [--labels FILE]";
    public IReadOnlyCollection<string> Flags => ["model", "weights", "output", "opset", "batch", "height", "width", "labels"];
    public IReadOnlyCollection<string> Switches => ["dynamic", "keep-bn"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        string weightsPath = args.Require("weights");
        string output = args.Require("output");
        bool dynamic = args.Has("dynamic");
        if (dynamic && (args.Has("batch") || args.Has("height") || args.Has("width")))
        {
            throw new UsageException("--dynamic makes batch, height and width symbolic: drop --batch/--height/--width");
        }
        string? labels = args.Get("labels");
        OutputFile.Check(output, labels is null ? [weightsPath] : [weightsPath, labels]);
        var options = new OnnxExportOptions
        {
            Opset = args.GetInt("opset", OnnxOpsets.Default, OnnxOpsets.Minimum, OnnxOpsets.Maximum),
            Dynamic = dynamic,
            Batch = args.GetInt("batch", 1, 1, 4096),
            Height = args.GetInt("height", 224, ModelSpec.MinInputSize, 8192),
            Width = args.GetInt("width", 224, ModelSpec.MinInputSize, 8192),
        };

        using var file = SafeTensorsFile.Open(weightsPath);
        var stateDict = file.ReadAllFloat32();
        // The head's size and labels come from the weights; a labels file must name every one of its classes.
        var spec = WeightLoader.WithHeadOf(ModelIdentification.Identify(file, args.Get("model")), stateDict);
        var declared = WeightsMetadata.ReadLabels(weightsPath, file.Metadata, spec.NumClasses);
        options = options with { ClassLabels = labels is null ? null : ReadLabels(labels, spec.NumClasses) };
        bool keepBn = args.Has("keep-bn");
        OnnxModel model;
        try
        {
            model = keepBn
                ? OnnxExporter.ExportWithBatchNorm(spec, stateDict, options, declared)
                : OnnxExporter.ExportFolded(BatchNormFolding.Fold(spec, stateDict) with { Labels = declared }, options);
        }
        catch (WeightMismatchException e)
        {
            throw new WeightMismatchException($"{weightsPath}: {e.Message}{ModelIdentification.Claim(file)}");
        }
        OutputFile.Write(output, model.WriteTo, rawStdout);

        string sizes = dynamic ? "[batch, 3, height, width]" : $"[{options.Batch}, 3, {options.Height}, {options.Width}]";
        string labelsNote = model.Metadata.ContainsKey("rexnet.class_labels") ? "labels embedded" : "no labels embedded";
        (OutputFile.IsStandardOutput(output) ? stderr : stdout).WriteLine($"wrote {output}: {spec.Name}, opset {model.Opset} (IR {model.IrVersion}), input {sizes}, " +
                         $"BatchNorm {(keepBn ? "kept" : "folded")}, {model.NodeCount} nodes, {model.ParameterCount:N0} parameters, {spec.NumClasses} classes, {labelsNote}");
        return CommandLine.ExitOk;
    }

    /// <summary>A plain-text label list: one label per line, one line per class, in class-index order.</summary>
    private static IReadOnlyList<string> ReadLabels(string path, int numClasses)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        var lines = RexNet.IO.InputFile.Guard(path, () => File.ReadAllLines(path)).ToList();
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
