using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Options;
using RexNet.Cli.Reports;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet plan`: the ops a backend records for a model, batch and input size, without running them (no GPU needed).</summary>
internal sealed class PlanCommand : RexNetCommand
{
    private readonly Option<string?> _model = WeightOptions.ModelOption("the model to plan (random-init weights; the plan does not depend on them)", "rexnet_100");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "batch size of the plan", 1, 1, 256);
    private readonly InputSizeOptions _size = new("224");
    private readonly Option<DeviceKind?> _device = CliOptions.Choice("--device", "the backend whose plan to show: cuda or cpu", DeviceKind.Cuda);
    private readonly Option<CudaGemm?> _gemm = CliOptions.Gemm();
    private readonly ReportOptions _report = new(csv: true);

    public PlanCommand() : base("plan", "Print the ops a backend runs for a model, batch and input size, with grids, blocks and bytes moved (no GPU needed).")
    {
        Add(_model);
        Add(_batch);
        _size.AddTo(this);
        Add(_device);
        Add(_gemm);
        _report.AddTo(this);
        AddCheck(parse => parse.GetValue(_device) == DeviceKind.Auto ? "--device must be cuda or cpu: a plan belongs to one backend" : null);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet plan --model rexnet_100", "the CUDA kernel launches of one inference at batch 1"),
        ("rexnet plan --gemm cublas --batch 8 --json", "the cuBLAS variant at batch 8, as JSON"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var target = _report.Open(parse, console, []);
        var spec = ModelSpec.FromZoo(parse.GetValue(_model)!);
        int batch = parse.GetValue(_batch);
        var (height, width) = _size.Resolve(parse, 224);
        var device = parse.GetValue(_device) ?? DeviceKind.Cuda;
        var gemm = parse.GetValue(_gemm) ?? CudaGemm.Kernels;
        var plan = PlanReport.Of(PlanDescription.Describe(RandomInit.CreateFolded(spec, seed: 0), batch, height, width, device, gemm));

        var inv = CultureInfo.InvariantCulture;
        var w = target.Human;
        string on = device == DeviceKind.Cuda ? $"cuda (gemm {plan.Gemm})" : "cpu";
        w.WriteLine(string.Format(inv, "{0} batch {1} {2}x{3} on {4}: {5} ops, arena {6:0.0} MiB, weights {7:0.0} MiB",
            plan.Model, batch, height, width, on, plan.Ops.Count, plan.ArenaBytes / 1048576.0, plan.WeightBytes / 1048576.0));
        w.WriteLine($"{"#",3}  {"step",-26} {"kernel",-28} {"grid",-16} {"block",-6} {"MiB",7}");
        for (int i = 0; i < plan.Ops.Count; i++)
        {
            var op = plan.Ops[i];
            string grid = op.Grid is { } g ? $"{g[0]},{g[1]},{g[2]}" : "-";
            string block = op.Block is { } b ? $"{b[0] * b[1] * b[2]}" : "-";
            w.WriteLine(string.Format(inv, "{0,3}  {1,-26} {2,-28} {3,-16} {4,-6} {5,7:0.00}", i + 1, op.Name, op.Kernel ?? op.Kind, grid, block, op.Bytes / 1048576.0));
        }
        target.Write(plan, p =>
        {
            var csv = new CsvTable("index", "kind", "name", "kernel", "grid", "block", "bytes");
            for (int i = 0; i < p.Ops.Count; i++)
            {
                var op = p.Ops[i];
                csv.Add(i + 1, op.Kind, op.Name, op.Kernel, op.Grid is { } g ? string.Join('x', g) : null, op.Block is { } b ? string.Join('x', b) : null, op.Bytes);
            }
            return csv;
        });
        return ExitCodes.Ok;
    }
}
