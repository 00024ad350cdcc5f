using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RexNet.Cuda;

namespace RexNet.Cli.Reports;

/// <summary>Every JSON document the CLI writes, serialised by source-generated code: snake_case names throughout.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ZooModel[]))]
[JsonSerializable(typeof(InitSummary))]
[JsonSerializable(typeof(PreprocessSummary))]
[JsonSerializable(typeof(RunSummary))]
[JsonSerializable(typeof(ExportSummary))]
[JsonSerializable(typeof(CudaDoctorReport))]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(BenchOnnxReport))]
[JsonSerializable(typeof(PredictReport))]
[JsonSerializable(typeof(EvalResult))]
[JsonSerializable(typeof(BenchServeReport))]
[JsonSerializable(typeof(FinetuneSummary))]
[JsonSerializable(typeof(PlanReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>Writes a report as JSON. Text is escaped only where JSON requires it (quotes, backslashes, control
/// characters): an apostrophe in a label or a non-ASCII file name stays as it is.</summary>
internal static class CliJson
{
    private static readonly CliJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Write<T>(Stream stream, T value)
    {
        JsonSerializer.Serialize(stream, value, TypeInfo<T>());
        stream.Write("\n"u8);
        stream.Flush();
    }

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        Context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not in {nameof(CliJsonContext)}");
}
