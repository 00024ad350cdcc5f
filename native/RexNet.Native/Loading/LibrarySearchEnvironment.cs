namespace RexNet.Native.Loading;

/// <summary>
/// Everything the candidate list depends on, captured as plain data so that the search order
/// can be computed (and tested) without touching the file system or loading anything.
/// </summary>
internal sealed record LibrarySearchEnvironment(
    bool IsWindows,
    string? Override,
    string? CudaPath,
    string? CudaHome,
    string? LdLibraryPath)
{
    /// <summary>REXNET_CUDA_LIBS: directories and/or library files, separated like PATH; tried before anything else.</summary>
    public const string OverrideVariable = "REXNET_CUDA_LIBS";

    public static LibrarySearchEnvironment FromProcess() => new(
        OperatingSystem.IsWindows(),
        Environment.GetEnvironmentVariable(OverrideVariable),
        Environment.GetEnvironmentVariable("CUDA_PATH"),
        Environment.GetEnvironmentVariable("CUDA_HOME"),
        Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"));

    public char ListSeparator => IsWindows ? ';' : ':';
}
