namespace RexNet.Native.Loading;

/// <summary>One place to try: a full path, or a bare file name left to the system loader's own search.</summary>
/// <param name="Path">What is passed to the loader.</param>
/// <param name="Origin">Why it is on the list (REXNET_CUDA_LIBS, CUDA_PATH, system loader, ...).</param>
internal sealed record LibraryCandidate(string Path, string Origin)
{
    public override string ToString() => $"{Path} [{Origin}]";
}
