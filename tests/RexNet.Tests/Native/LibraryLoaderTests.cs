using RexNet.Native.Loading;
using RexNet.Tests.Support;

namespace RexNet.Tests.Native;

public class LibraryLoaderTests
{
    [Fact]
    public void FailureListsEveryPathTriedWithItsReason()
    {
        using var dir = TestPaths.TempDir();
        string notALibrary = dir.File("libnvrtc.so.12");
        File.WriteAllText(notALibrary, "this is not an ELF file");
        var candidates = new[]
        {
            new LibraryCandidate(dir.File("libnvrtc.so.13"), "REXNET_CUDA_LIBS"),
            new LibraryCandidate(notALibrary, "REXNET_CUDA_LIBS"),
            new LibraryCandidate("libnvrtc-rexnet-test-missing.so.1", "system loader"),
        };

        var e = Assert.Throws<CudaLibraryNotFoundException>(() => NativeLibraryLoader.LoadFrom(CudaLibrary.Nvrtc, candidates));

        Assert.Equal(CudaLibrary.Nvrtc, e.Library);
        Assert.Equal(3, e.Attempts.Count);
        Assert.Equal("not present", e.Attempts[0].Reason);
        Assert.NotEqual("not present", e.Attempts[1].Reason);
        foreach (var c in candidates)
        {
            Assert.Contains(c.Path, e.Message);
        }
        Assert.Contains("NVRTC", e.Message);
        Assert.Contains("REXNET_CUDA_LIBS", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void OverrideFileLoadsAndReportsTheFileItCameFrom()
    {
        CudaAvailability.RequireNvrtc();
        var loaded = NativeLibraryLoader.Load(CudaLibrary.Nvrtc);
        // Point an explicit override at the file the process already uses, and expect that exact file.
        var env = new LibrarySearchEnvironment(false, loaded.ResolvedPath, null, null, null);
        var again = NativeLibraryLoader.LoadFrom(CudaLibrary.Nvrtc, LibraryCandidates.For(CudaLibrary.Nvrtc, env));
        Assert.Equal("REXNET_CUDA_LIBS", again.Candidate.Origin);
        Assert.Equal(loaded.ResolvedPath, again.ResolvedPath);
        Assert.True(File.Exists(again.ResolvedPath));
    }

    [Fact]
    public void MissingDriverSurfacesFromTheFirstCallWithEveryPathTried()
    {
        if (NativeLibraryLoader.TryLoad(CudaLibrary.Driver, out _, out _))
        {
            Assert.Skip(CudaTestDevice.IsMock
                ? "the mock driver is loaded in this process; DoctorCommandTests checks this error in a child process without it"
                : "the CUDA driver library is installed here");
        }
        var e = Assert.Throws<CudaLibraryNotFoundException>(RexNet.Native.Driver.CudaDevices.Initialize);
        Assert.Equal(CudaLibrary.Driver, e.Library);
        Assert.Contains("libcuda.so.1", e.Message);
        Assert.Contains("install the NVIDIA driver", e.Message);
    }
}
