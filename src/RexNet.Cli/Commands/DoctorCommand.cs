using System.Globalization;
using System.CommandLine;
using RexNet.Cli.Reports;
using RexNet.Cuda;

namespace RexNet.Cli.Commands;

/// <summary>
/// `rexnet doctor`: the CUDA driver, NVRTC and cuBLAS (version and file each loaded from), every GPU,
/// and whether the embedded kernels compile for it. Exits 1 with the reason when CUDA is unusable.
/// </summary>
internal sealed class DoctorCommand : RexNetCommand
{
    private readonly ReportOptions _report = new(csv: false);

    public DoctorCommand() : base("doctor", "Check the CUDA driver, NVRTC, cuBLAS and GPUs, and compile the kernels for each GPU; exits 1 when CUDA is unusable.")
    {
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet doctor", "what CUDA pieces were found, where, and whether the kernels compile"),
        ("REXNET_CUDA_LIBS=/opt/cuda/lib64 rexnet doctor --json", "the same with the libraries looked for in one folder, as JSON"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var target = _report.Open(parse, console, []);
        var report = CudaDoctor.Examine();
        PrintText(report, target.Human);
        target.Write(report);
        if (report.Usable)
        {
            return ExitCodes.Ok;
        }
        console.Error.WriteLine($"rexnet doctor: CUDA is unusable: {report.Problem}; needed: {string.Join(", ", report.Needed)}");
        return ExitCodes.Failure;
    }

    private static void PrintText(CudaDoctorReport r, TextWriter w)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine($"driver   {Describe(r.Driver)}" + (r.DriverVersion is null ? "" : $", CUDA {r.DriverVersion}") + (r.DriverError is null ? "" : $", error: {r.DriverError}"));
        w.WriteLine($"nvrtc    {Describe(r.Nvrtc)}" + (r.NvrtcArchs is { Count: > 0 } a ? $", CUBIN for sm_{a[0]}..sm_{a[^1]}" : ""));
        w.WriteLine($"cublas   {Describe(r.Cublas)}");
        foreach (var lib in new[] { r.Driver, r.Nvrtc, r.Cublas }.Where(l => !l.Loaded))
        {
            w.WriteLine($"  {lib.Name} tried: {string.Join("; ", lib.Tried)}");
        }
        w.WriteLine($"kernels  {r.EmbeddedKernels.Count} embedded file(s)" + (r.EmbeddedKernels.Count > 0 ? ": " + string.Join(", ", r.EmbeddedKernels) : ""));
        if (r.Gpus.Count == 0)
        {
            w.WriteLine("gpus     none");
        }
        foreach (var g in r.Gpus)
        {
            w.WriteLine(string.Format(inv, "gpu {0}    {1}, compute {2}, {3:0.0} GiB, {4} SMs, {5} MHz core, {6} MHz memory x {7} bit, PCI {8}",
                g.Ordinal, g.Name, g.ComputeCapability, g.MemoryBytes / (double)(1L << 30), g.Multiprocessors, g.ClockMHz, g.MemoryClockMHz, g.MemoryBusWidthBits, g.PciBusId));
            if (g.Kernels is { } k)
            {
                w.WriteLine($"  kernels {k.Compiled}/{k.Sources} compile as {k.Target}; max {k.MaxRegisters} registers; {k.SpillingKernels} kernel(s) spill");
                foreach (var e in k.Errors)
                {
                    w.WriteLine($"  error: {e}");
                }
            }
        }
        w.WriteLine(r.Usable ? "CUDA is usable" : $"CUDA is unusable: {r.Problem}");
    }

    private static string Describe(LibraryReport lib) =>
        !lib.Loaded ? "not found"
        : $"{lib.Version ?? "version unknown"} from {lib.Path}" + (lib.Error is null ? "" : $" (version query failed: {lib.Error})");
}
