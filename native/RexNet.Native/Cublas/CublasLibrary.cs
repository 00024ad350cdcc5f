namespace RexNet.Native.Cublas;

/// <summary>Process-wide facts about the loaded cuBLAS; answers without a GPU.</summary>
internal static class CublasLibrary
{
    public static Version Version()
    {
        CublasErrors.Check(CublasApi.cublasGetProperty(LibraryProperty.MajorVersion, out int major), "cublasGetProperty");
        CublasErrors.Check(CublasApi.cublasGetProperty(LibraryProperty.MinorVersion, out int minor), "cublasGetProperty");
        CublasErrors.Check(CublasApi.cublasGetProperty(LibraryProperty.PatchLevel, out int patch), "cublasGetProperty");
        return new Version(major, minor, patch);
    }
}
