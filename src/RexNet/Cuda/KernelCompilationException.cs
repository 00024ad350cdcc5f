namespace RexNet.Cuda;

/// <summary>A kernel source did not compile; the message carries NVRTC's log.</summary>
public sealed class KernelCompilationException(string sourceName, KernelTarget target, string log)
    : InvalidOperationException($"{sourceName} failed to compile for {target.Description}: {log.Trim()}")
{
    public string SourceName { get; } = sourceName;
    public KernelTarget Target { get; } = target;
    public string Log { get; } = log;
}
