using RexNet.Cuda;
using RexNet.Native.Driver;

namespace RexNet.Tests.Cuda;

/// <summary>The saxpy test kernel (y = a * x + y over n floats) that the driver tests, on a GPU or the mock, load and launch.</summary>
internal static class SaxpyKernel
{
    /// <summary>Compiled for this GPU as the engine would (CUBIN, or PTX for a newer GPU) and loaded.</summary>
    public static CudaModuleHandle Load(CudaContext context, bool forcePtx = false)
    {
        var compiler = new KernelCompiler(new NvrtcRuntimeCompiler(), NvrtcCompileTests.SaxpySources, cache: null);
        var target = compiler.TargetFor(context.Device.Arch);
        var kernel = compiler.Compile(NvrtcCompileTests.SaxpySources.Sources[0], forcePtx ? target.AsPtx() : target);
        return context.LoadModule(kernel.Image);
    }

    /// <summary>One thread per element, <paramref name="block"/> threads a block.</summary>
    public static void Launch(CudaFunction saxpy, CudaStreamHandle stream, float a, ulong x, ulong y, int n, uint block = 128)
    {
        var args = new KernelArguments(stackalloc ulong[4]);
        args.Add(a);
        args.Add(x);
        args.Add(y);
        args.Add(n);
        saxpy.Launch(new Dim3((uint)((n + block - 1) / block)), new Dim3(block), 0, stream, args);
    }
}
