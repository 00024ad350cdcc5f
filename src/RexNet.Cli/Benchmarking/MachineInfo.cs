using System.Runtime.InteropServices;

namespace RexNet.Cli.Benchmarking;

/// <summary>The machine a benchmark ran on, as its report records it.</summary>
internal sealed record MachineInfo(string? CpuModel, int LogicalCores, string Os, string Runtime, string Architecture, string Simd)
{
    public static MachineInfo Current { get; } = new(ReadCpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription, RuntimeInformation.ProcessArchitecture.ToString(), RexNet.Cpu.VectorIsas.Best.ToString());

    /// <summary>One line for the head of a table.</summary>
    public string Summary => $"{CpuModel ?? "CPU model unknown"}, {LogicalCores} logical cores, {Architecture} {Simd}, {Runtime}";

    /// <summary>"model name" from /proc/cpuinfo on Linux; null elsewhere or when unreadable.</summary>
    private static string? ReadCpuModel()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
