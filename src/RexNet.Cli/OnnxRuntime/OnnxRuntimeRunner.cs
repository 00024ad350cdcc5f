using Microsoft.ML.OnnxRuntime;
using RexNet.IO;

namespace RexNet.Cli.OnnxRuntime;

/// <summary>
/// One ONNX Runtime CPU session over an exported ReXNet ("input" in, "logits" out). ONNX Runtime's own
/// errors are turned into one-line exceptions that name the model, since the CLI prints no stack traces.
/// </summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _source;

    /// <summary>The declared input dimensions; -1 where the model leaves a dimension symbolic.</summary>
    public IReadOnlyList<int> InputDimensions { get; }

    public int NumClasses { get; }

    public static string Version => OrtEnv.Instance().GetVersionString();

    private OnnxRuntimeRunner(InferenceSession session, string source)
    {
        _session = session;
        _source = source;
        if (!session.InputMetadata.TryGetValue(Onnx.OnnxExporter.InputName, out var input) ||
            !session.OutputMetadata.TryGetValue(Onnx.OnnxExporter.OutputName, out var output) ||
            input.Dimensions.Length != 4 || output.Dimensions.Length != 2 || output.Dimensions[1] < 1)
        {
            session.Dispose();
            throw new InvalidInputFileException(source,
                $"expected an input '{Onnx.OnnxExporter.InputName}' [batch, 3, height, width] and an output '{Onnx.OnnxExporter.OutputName}' [batch, classes]");
        }
        InputDimensions = input.Dimensions;
        NumClasses = output.Dimensions[1];
    }

    public static OnnxRuntimeRunner FromFile(string path, int threads)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputFileException(path, "file not found", RexNetErrorCode.NotFound);
        }
        return Open(path, threads, options => new InferenceSession(path, options));
    }

    public static OnnxRuntimeRunner FromBytes(byte[] model, int threads, string source) =>
        Open(source, threads, options => new InferenceSession(model, options));

    private static OnnxRuntimeRunner Open(string source, int threads, Func<SessionOptions, InferenceSession> create)
    {
        SessionOptions options;
        try
        {
            options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            // The Microsoft.ML.OnnxRuntime package ships the native library for common platforms only.
            throw new RexNetException(RexNetErrorCode.DeviceUnavailable, $"ONNX Runtime's native library cannot be loaded on this platform: {OneLine(e.Message)}");
        }
        using (options)
        {
            try
            {
                return new OnnxRuntimeRunner(create(options), source);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidInputFileException(source, $"ONNX Runtime cannot load it: {OneLine(e.Message)}");
            }
        }
    }

    /// <summary>Throws a one-line error when an NCHW input of this shape does not fit the model's declared dims.</summary>
    public void CheckInputShape(IReadOnlyList<int> shape, string what)
    {
        bool fits = shape.Count == 4 && Enumerable.Range(0, 4).All(i => InputDimensions[i] < 0 || InputDimensions[i] == shape[i]);
        if (!fits)
        {
            string declared = string.Join(", ", InputDimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            throw new RexNetException(RexNetErrorCode.InvalidFile, $"{what} has shape ({string.Join(", ", shape)}) but {_source} takes input [{declared}]");
        }
    }

    /// <summary>Runs one batch; <paramref name="logits"/> must hold batch * classes floats.</summary>
    public void Run(float[] input, int[] shape, float[] logits)
    {
        CheckInputShape(shape, "the input");
        if (logits.Length != shape[0] * NumClasses)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"logits buffer holds {logits.Length} floats; {shape[0] * NumClasses} are needed");
        }
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape.Select(d => (long)d).ToArray());
        using var outputValue = OrtValue.CreateTensorValueFromMemory(logits, [shape[0], NumClasses]);
        try
        {
            _session.Run(_runOptions, [Onnx.OnnxExporter.InputName], [inputValue], [Onnx.OnnxExporter.OutputName], [outputValue]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new RexNetException(RexNetErrorCode.InvalidFile, $"ONNX Runtime failed to run {_source}: {OneLine(e.Message)}");
        }
    }

    /// <summary>Runs one batch into a new [batch, classes] array.</summary>
    public float[] Run(float[] input, int[] shape)
    {
        CheckInputShape(shape, "the input");
        var logits = new float[shape[0] * NumClasses];
        Run(input, shape, logits);
        return logits;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
