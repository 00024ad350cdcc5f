using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet plan`: the ops a backend records for a model, batch and input size, without running them (no GPU needed).</summary>
internal sealed class PlanCommand : ICommand
{
    public string Name => "plan";
    public string Summary => "print the ops a backend runs for a model and batch (no GPU needed)";
    public string Usage => "[--model NAME] [--batch N] [--height H] [--width W] [--device cuda|cpu] [--gemm kernels|cublas] [--json]";
    public IReadOnlyCollection<string> Flags => ["model", "batch", "height", "width", "device", "gemm"];
    public IReadOnlyCollection<string> Switches => ["json"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        var spec = ModelSpec.FromZoo(args.Get("model") ?? "rexnet_100");
        int batch = args.GetInt("batch", 1, 1, 256);
        int height = args.GetInt("height", 224, ModelSpec.MinInputSize, 4096);
        int width = args.GetInt("width", height, ModelSpec.MinInputSize, 4096);
        var device = args.GetEnum("device", DeviceKind.Cuda);
        if (device == DeviceKind.Auto)
        {
            throw new UsageException("--device must be cuda or cpu: a plan belongs to one backend");
        }
        var gemm = args.GetEnum("gemm", CudaGemm.Kernels);
        var plan = PlanDescription.Describe(RandomInit.CreateFolded(spec, seed: 0), batch, height, width, device, gemm);
        if (args.Has("json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(plan, Json));
            return CommandLine.ExitOk;
        }
        var inv = CultureInfo.InvariantCulture;
        string on = device == DeviceKind.Cuda ? $"cuda (gemm {gemm.ToString().ToLowerInvariant()})" : "cpu";
        stdout.WriteLine(string.Format(inv, "{0} batch {1} {2}x{3} on {4}: {5} ops, arena {6:0.0} MiB, weights {7:0.0} MiB",
            plan.Model, batch, height, width, on, plan.Ops.Count, plan.ArenaBytes / 1048576.0, plan.WeightBytes / 1048576.0));
        stdout.WriteLine($"{"#",3}  {"step",-26} {"kernel",-28} {"grid",-16} {"block",-6} {"MiB",7}");
        for (int i = 0; i < plan.Ops.Count; i++)
        {
            var op = plan.Ops[i];
            string grid = op.Grid is { } g ? $"{g[0]},{g[1]},{g[2]}" : "-";
            string block = op.Block is { } b ? $"{b[0] * b[1] * b[2]}" : "-";
            stdout.WriteLine(string.Format(inv, "{0,3}  {1,-26} {2,-28} {3,-16} {4,-6} {5,7:0.00}", i + 1, op.Name, op.Kernel ?? op.Kind, grid, block, op.Bytes / 1048576.0));
        }
        return CommandLine.ExitOk;
    }
}
