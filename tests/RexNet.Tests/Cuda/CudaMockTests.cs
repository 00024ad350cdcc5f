using RexNet.Cuda;
using RexNet.Native.Driver;
using RexNet.Native.Errors;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>
/// The mock driver catches what a GPU would (tests/cuda-mock/README.md, "What is checked"): bad ranges and
/// launches are refused at the call, device faults surface at the next synchronisation and break the
/// context, capture rules invalidate the capture, and a missing synchronisation between the legacy stream
/// and a non-blocking one shows as unwritten data. CI only: a real GPU behaves, but not every time.
/// Faults are provoked on device 1 only, and every context on it is released afterwards, so the sticky
/// error ends with the test; the class runs with the serial collection, alone.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed unsafe class CudaMockTests
{
    private const int N = 1000;

    private static CudaContext Context(int device = 0)
    {
        Assert.SkipUnless(CudaTestDevice.IsMock, "these check the mock driver");
        return CudaContext.Create(device);
    }

    private static (CudaModuleHandle Module, CudaFunction Saxpy) Saxpy(CudaContext context)
    {
        var module = SaxpyKernel.Load(context);
        return (module, module.GetFunction("saxpy"));
    }

    private static void Launch(CudaFunction saxpy, CudaStreamHandle stream, ulong x, ulong y, int n, uint block = 128) =>
        SaxpyKernel.Launch(saxpy, stream, 2f, x, y, n, block);

    private static CudaException Status(Action call, CuResult expected)
    {
        var e = Assert.ThrowsAny<CudaException>(call);
        Assert.Equal(expected.ToString(), e.StatusName);
        return e;
    }

    [Fact]
    public void A_copy_past_the_end_of_an_allocation_is_refused_at_the_call()
    {
        using var context = Context();
        using var buffer = context.Allocate(N * sizeof(float));
        var data = new float[N + 1];
        fixed (float* p = data)
        {
            Assert.Equal(CuResult.CUDA_ERROR_INVALID_VALUE, CuDriver.cuMemcpyHtoD_v2(buffer.Pointer, p, (nuint)(data.Length * sizeof(float))));
            Assert.Equal(CuResult.CUDA_ERROR_INVALID_VALUE, CuDriver.cuMemcpyHtoD_v2(buffer.Pointer - 4, p, 8));
        }
        Assert.False(context.Health.IsBroken);
    }

    [Fact]
    public void A_block_larger_than_the_kernel_allows_is_refused_at_the_launch()
    {
        using var context = Context();
        using var stream = context.CreateStream();
        var (module, saxpy) = Saxpy(context);
        using (module)
        {
            using var x = context.Allocate(N * sizeof(float));
            Status(() => Launch(saxpy, stream, x.Pointer, x.Pointer, N, block: 2048), CuResult.CUDA_ERROR_INVALID_VALUE);
            Assert.False(context.Health.IsBroken);
        }
    }

    [Fact]
    public void Work_on_a_non_blocking_stream_does_not_wait_for_a_synchronous_upload()
    {
        using var context = Context();
        using var stream = context.CreateStream(CuStreamFlags.NonBlocking);
        var (module, saxpy) = Saxpy(context);
        using (module)
        {
            using var x = context.Allocate(N * sizeof(float));
            using var y = context.Allocate(N * sizeof(float));
            x.CopyFrom<float>(Enumerable.Repeat(1f, N).ToArray());
            y.CopyFrom<float>(Enumerable.Repeat(1f, N).ToArray());
            Launch(saxpy, stream, x.Pointer, y.Pointer, N);
            stream.Synchronize();
            // The kernel ran before the uploads (legacy stream) it never waited for; they overwrite y afterwards.
            var back = new float[N];
            y.CopyTo<float>(back);
            Assert.All(back, v => Assert.Equal(1f, v));
            using var blocking = context.CreateStream(CuStreamFlags.Default);
            x.CopyFrom<float>(Enumerable.Repeat(1f, N).ToArray());
            Launch(saxpy, blocking, x.Pointer, y.Pointer, N);
            blocking.Synchronize();
            y.CopyTo<float>(back);
            Assert.All(back, v => Assert.Equal(3f, v));
        }
    }

    [Fact]
    public void Synchronising_a_capturing_stream_invalidates_the_capture()
    {
        using var context = Context();
        using var stream = context.CreateStream();
        stream.BeginCapture(CuStreamCaptureMode.ThreadLocal);
        Status(stream.Synchronize, CuResult.CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED);
        Status(() => stream.EndCapture(), CuResult.CUDA_ERROR_STREAM_CAPTURE_INVALIDATED);
        Assert.False(context.Health.IsBroken);
    }

    /// <summary>Why the engine synchronises its own stream only: a context-wide synchronisation on another thread breaks a capture.</summary>
    [Fact]
    public void Context_synchronisation_on_another_thread_invalidates_a_thread_local_capture()
    {
        using var context = Context();
        using var stream = context.CreateStream();
        var (module, saxpy) = Saxpy(context);
        using (module)
        {
            using var x = context.Allocate(N * sizeof(float));
            stream.BeginCapture(CuStreamCaptureMode.ThreadLocal);
            Launch(saxpy, stream, x.Pointer, x.Pointer, N);
            CudaException? seen = null;
            var other = new Thread(() =>
            {
                try
                {
                    context.MakeCurrent();
                    context.Synchronize();
                }
                catch (CudaException e)
                {
                    seen = e;
                }
            });
            other.Start();
            other.Join();
            Assert.Equal("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", seen?.StatusName);
            Status(() => stream.EndCapture(), CuResult.CUDA_ERROR_STREAM_CAPTURE_INVALIDATED);
        }
    }

    [Fact]
    public void A_cubin_for_another_architecture_does_not_load()
    {
        using var context = Context();
        var compiler = new KernelCompiler(new NvrtcRuntimeCompiler(), NvrtcCompileTests.SaxpySources, cache: null);
        var sm80 = compiler.Compile(NvrtcCompileTests.SaxpySources.Sources[0], new KernelTarget(80, 80, IsCubin: true));
        Status(() => context.LoadModule(sm80.Image).Dispose(), CuResult.CUDA_ERROR_NO_BINARY_FOR_GPU);
    }

    [Theory]
    [InlineData("use after free")]
    [InlineData("write past the end")]
    public void A_kernel_fault_surfaces_at_the_next_synchronisation_and_breaks_the_context(string fault)
    {
        using (var context = Context(1))
        {
            using var stream = context.CreateStream();
            var (module, saxpy) = Saxpy(context);
            using (module)
            {
                using var y = context.Allocate(N * sizeof(float));
                var x = context.Allocate(2 * N * sizeof(float));
                ulong freed = x.Pointer;
                if (fault == "use after free")
                {
                    x.Dispose();
                    Launch(saxpy, stream, freed, y.Pointer, N);
                }
                else
                {
                    Launch(saxpy, stream, x.Pointer, y.Pointer, N + 64);
                }
                var e = Status(stream.Synchronize, CuResult.CUDA_ERROR_ILLEGAL_ADDRESS);
                Assert.True(context.Health.IsBroken, e.Message);
                Assert.Throws<CudaContextBrokenException>(() => context.Allocate(64));
                x.Dispose();
            }
        }
        // Every retain released: the device's next primary context starts healthy.
        using var fresh = CudaContext.Create(1);
        using var buffer = fresh.Allocate(64);
        buffer.CopyFrom<float>(new float[16]);
        Assert.False(fresh.Health.IsBroken);
    }
}
