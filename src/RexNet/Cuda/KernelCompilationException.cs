namespace RexNet.Cuda;

/// <summary>A kernel source did not compile; the message carries NVRTC's log. The device is then
/// unusable for this engine (an NVRTC too old for it, or too new for the driver).</summary>
internal sealed class KernelCompilationException(string sourceName, KernelTarget target, string log)
    : RexNetException(RexNetErrorCode.DeviceUnavailable, $"{sourceName} failed to compile for {target.Description}: {log.Trim()}")
{
    public string SourceName { get; } = sourceName;
    public KernelTarget Target { get; } = target;
    public string Log { get; } = log;
}
