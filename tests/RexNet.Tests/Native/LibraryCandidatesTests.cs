using RexNet.Native.Loading;

namespace RexNet.Tests.Native;

public class LibraryCandidatesTests
{
    private static LibrarySearchEnvironment Linux(string? overrideLibs = null, string? cudaPath = null, string? cudaHome = null, string? ld = null) =>
        new(IsWindows: false, overrideLibs, cudaPath, cudaHome, ld);

    private static string[] Paths(CudaLibrary lib, LibrarySearchEnvironment env) =>
        LibraryCandidates.For(lib, env).Select(c => c.Path).ToArray();

    [Fact]
    public void NvrtcNewestVersionFirstThenWellKnownFolder()
    {
        Assert.Equal(
            ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so",
             "/usr/local/cuda/lib64/libnvrtc.so.13", "/usr/local/cuda/lib64/libnvrtc.so.12", "/usr/local/cuda/lib64/libnvrtc.so.11.2", "/usr/local/cuda/lib64/libnvrtc.so"],
            Paths(CudaLibrary.Nvrtc, Linux()));
    }

    [Fact]
    public void CublasVersionsNewestFirst() =>
        Assert.Equal(["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"], Paths(CudaLibrary.Cublas, Linux()).Take(4));

    [Fact]
    public void PlacesInOrderOverrideCudaPathCudaHomeLdLibraryPathSystem()
    {
        var candidates = LibraryCandidates.For(CudaLibrary.Cublas, Linux("/over", "/cp", "/ch", "/ld1:/ld2"));
        var origins = candidates.Select(c => c.Origin).Distinct().ToArray();
        Assert.Equal(["REXNET_CUDA_LIBS", "CUDA_PATH", "CUDA_HOME", "LD_LIBRARY_PATH", "system loader", "default toolkit folder"], origins);
        Assert.Equal("/over/libcublas.so.13", candidates[0].Path);
        Assert.Equal(["/cp/lib64/libcublas.so.13", "/cp/lib64/libcublas.so.12", "/cp/lib64/libcublas.so.11", "/cp/lib64/libcublas.so",
                      "/cp/lib/libcublas.so.13"], candidates.Where(c => c.Origin == "CUDA_PATH").Select(c => c.Path).Take(5));
        Assert.Equal("/ld1/libcublas.so.13", candidates.First(c => c.Origin == "LD_LIBRARY_PATH").Path);
        Assert.Contains(candidates, c => c.Path == "/ld2/libcublas.so");
    }

    [Fact]
    public void OverrideFileAppliesOnlyToItsOwnLibrary()
    {
        var env = Linux("/x/libnvrtc.so.12:/opt/cuda/lib64", cudaPath: "/cp");
        Assert.Equal("/x/libnvrtc.so.12", Paths(CudaLibrary.Nvrtc, env)[0]);
        Assert.Equal("/opt/cuda/lib64/libnvrtc.so.13", Paths(CudaLibrary.Nvrtc, env)[1]);
        var cublas = Paths(CudaLibrary.Cublas, env);
        Assert.DoesNotContain(cublas, p => p.Contains("/x/", StringComparison.Ordinal));
        Assert.Equal("/opt/cuda/lib64/libcublas.so.13", cublas[0]);
    }

    [Fact]
    public void DriverIsNeverTakenFromTheToolkitStubs()
    {
        var paths = Paths(CudaLibrary.Driver, Linux(cudaPath: "/usr/local/cuda", cudaHome: "/usr/local/cuda"));
        Assert.Equal(["libcuda.so.1", "libcuda.so"], paths);
    }

    [Fact]
    public void SameFolderFromTwoVariablesIsTriedOnce()
    {
        var paths = Paths(CudaLibrary.Nvrtc, Linux(cudaPath: "/usr/local/cuda", cudaHome: "/usr/local/cuda", ld: "/usr/local/cuda/lib64"));
        Assert.Equal(paths.Length, paths.Distinct().Count());
        Assert.Equal(2 * 4 + 4, paths.Length);
    }

    [Fact]
    public void WindowsUsesDllNamesAndBinFolders()
    {
        var env = new LibrarySearchEnvironment(IsWindows: true, null, @"C:\CUDA\v12.4", null, null);
        var paths = Paths(CudaLibrary.Nvrtc, env);
        Assert.Equal(@"C:\CUDA\v12.4\bin\nvrtc64_130_0.dll", paths[0]);
        Assert.Contains(@"C:\CUDA\v12.4\bin\x64\nvrtc64_120_0.dll", paths);
        Assert.Equal(["nvcuda.dll"], Paths(CudaLibrary.Driver, env));
        Assert.Equal("cublas64_13.dll", LibraryCandidates.FileNames(CudaLibrary.Cublas, isWindows: true)[0]);
    }

    [Theory]
    [InlineData("libnvrtc.so.11.2", "Nvrtc")]
    [InlineData("nvrtc64_120_0.dll", "Nvrtc")]
    [InlineData("libcublas.so.12", "Cublas")]
    [InlineData("libcuda.so.1", "Driver")]
    [InlineData("NVCUDA.DLL", "Driver")]
    [InlineData("libcublasLt.so.12", null)]
    [InlineData("libnvrtc-builtins.so.11.8", null)]
    [InlineData("lib64", null)]
    public void FileFamilies(string name, string? expected) =>
        Assert.Equal(expected is null ? null : Enum.Parse<CudaLibrary>(expected), LibraryCandidates.FamilyOf(name));
}
