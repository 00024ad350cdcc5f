using RexNet.Native.Driver;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>
/// The driver bindings on a GPU (real or the mock). Tests that upload with synchronous copies and fills,
/// which run on the legacy stream, launch on a blocking stream, which waits for the legacy stream; a
/// non-blocking one would race them.
/// </summary>
[Trait(GpuTests.Category, GpuTests.Gpu)]
public class DriverGpuTests
{
    private const int N = 1000;

    private static CudaContext Context()
    {
        CudaAvailability.RequireGpu();
        return CudaContext.Create(0);
    }

    private static float[] Ramp(int n, float scale) => Enumerable.Range(0, n).Select(i => i * scale - 3f).ToArray();

    [Fact]
    public void DescribesTheDevice()
    {
        using var context = Context();
        var d = context.Device;
        Assert.False(string.IsNullOrWhiteSpace(d.Name));
        Assert.InRange(d.ComputeMajor, 3, 20);
        Assert.True(d.TotalMemoryBytes > 0);
        Assert.True(d.MultiprocessorCount > 0);
        Assert.True(CudaDevices.DriverVersion() >= 11000);
        var (free, total) = context.MemoryInfo();
        Assert.InRange(free, 1, total);
    }

    [Fact]
    public void CopiesRoundTripAndFillsSetMemory()
    {
        using var context = Context();
        var data = Ramp(N, 0.25f);
        using var a = context.Allocate(N * sizeof(float));
        using var b = context.Allocate(N * sizeof(float));
        a.CopyFrom<float>(data);
        b.CopyFrom(a, 0, 0, N * sizeof(float));
        var back = new float[N];
        b.CopyTo<float>(back);
        Assert.Equal(data, back);

        b.Fill32(BitConverter.SingleToUInt32Bits(1.5f), 8, 10);
        b.CopyTo<float>(back);
        Assert.Equal(data[..2], back[..2]);
        Assert.All(back[2..12], v => Assert.Equal(1.5f, v));
        Assert.Equal(data[12..], back[12..]);

        a.Fill(0);
        a.CopyTo<float>(back);
        Assert.All(back, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.CopyTo<float>(new float[N + 1]));
    }

    [Fact]
    public void PinnedMemoryCopiesAsynchronouslyOnAStream()
    {
        using var context = Context();
        using var stream = context.CreateStream();
        using var pinned = context.AllocatePinned(N * sizeof(float));
        using var device = context.Allocate(N * sizeof(float));
        var data = Ramp(N, 0.5f);
        data.CopyTo(pinned.AsSpan<float>());
        device.CopyFromAsync(pinned, 0, 0, N * sizeof(float), stream);
        // The copy reads the pinned buffer when it runs: it may be reused only after the stream has passed it.
        stream.Synchronize();
        pinned.AsSpan<float>().Clear();
        device.CopyToAsync(pinned, 0, 0, N * sizeof(float), stream);
        stream.Synchronize();
        Assert.Equal(data, pinned.AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CompiledKernelRunsAndMatchesTheCpu(bool viaPtx)
    {
        using var context = Context();
        using var stream = context.CreateStream(CuStreamFlags.Default);
        using var module = SaxpyKernel.Load(context, viaPtx);
        var saxpy = module.GetFunction("saxpy");
        Assert.True(saxpy.GetAttribute(CuFunctionAttribute.NumRegs) > 0);
        Assert.True(saxpy.GetAttribute(CuFunctionAttribute.MaxThreadsPerBlock) >= 128);

        var x = Ramp(N, 0.1f);
        var y = Ramp(N, -0.2f);
        using var dx = context.Allocate(N * sizeof(float));
        using var dy = context.Allocate(N * sizeof(float));
        dx.CopyFrom<float>(x);
        dy.CopyFrom<float>(y);
        SaxpyKernel.Launch(saxpy, stream, 2.5f, dx.Pointer, dy.Pointer, N);
        stream.Synchronize();

        var result = new float[N];
        dy.CopyTo<float>(result);
        for (int i = 0; i < N; i++)
        {
            // The GPU may contract a*x+y into one FMA (one rounding instead of two); where a*x and y nearly
            // cancel, the two differ by the rounding of the terms, not of the result.
            float expected = 2.5f * x[i] + y[i];
            float terms = Math.Abs(2.5f * x[i]) + Math.Abs(y[i]);
            Assert.True(Math.Abs(expected - result[i]) <= 1e-6f * Math.Max(1f, terms), $"index {i}: expected {expected}, got {result[i]}");
        }
    }

    [Fact]
    public void UnknownKernelNameIsReportedByName()
    {
        using var context = Context();
        using var module = SaxpyKernel.Load(context);
        var e = Assert.Throws<RexNet.Native.Errors.CudaException>(() => module.GetFunction("no_such_kernel"));
        Assert.Equal("cuModuleGetFunction", e.Call);
        Assert.Contains("no_such_kernel", e.Message);
        Assert.False(context.Health.IsBroken);
    }

    [Fact]
    public void EventsMeasureElapsedDeviceTime()
    {
        using var context = Context();
        using var stream = context.CreateStream();
        using var start = context.CreateEvent();
        using var end = context.CreateEvent();
        using var module = SaxpyKernel.Load(context);
        using var dx = context.Allocate(N * sizeof(float));
        using var dy = context.Allocate(N * sizeof(float));
        start.Record(stream);
        SaxpyKernel.Launch(module.GetFunction("saxpy"), stream, 1f, dx.Pointer, dy.Pointer, N);
        end.Record(stream);
        end.Synchronize();
        Assert.True(CudaEventHandle.ElapsedMilliseconds(start, end) >= 0f);
    }

    [Fact]
    public void CapturedGraphReplaysAndUpdatesInPlace()
    {
        using var context = Context();
        using var stream = context.CreateStream(CuStreamFlags.Default);
        using var module = SaxpyKernel.Load(context);
        var saxpy = module.GetFunction("saxpy");
        var x = Ramp(N, 0.1f);
        using var dx = context.Allocate(N * sizeof(float));
        using var dy = context.Allocate(N * sizeof(float));
        dx.CopyFrom<float>(x);
        dy.Fill(0);

        stream.BeginCapture();
        SaxpyKernel.Launch(saxpy, stream, 2f, dx.Pointer, dy.Pointer, N);
        using var graph = stream.EndCapture();
        using var exec = graph.Instantiate();
        exec.Launch(stream);
        exec.Launch(stream);
        stream.Synchronize();
        var result = new float[N];
        dy.CopyTo<float>(result);
        Assert.Equal(x.Select(v => 2f * v + 2f * v).ToArray(), result);

        stream.BeginCapture();
        SaxpyKernel.Launch(saxpy, stream, -1f, dx.Pointer, dy.Pointer, N);
        using var changed = stream.EndCapture();
        Assert.True(exec.TryUpdate(changed, out var reason), reason.ToString());
        exec.Launch(stream);
        stream.Synchronize();
        dy.CopyTo<float>(result);
        Assert.Equal(x.Select(v => 2f * v + 2f * v - v).ToArray(), result);
    }

    [Fact]
    public void ResourcesOutliveADisposedContextObject()
    {
        var context = Context();
        var buffer = context.Allocate(64);
        buffer.CopyFrom<float>(new float[16]);
        context.Dispose();
        // The buffer holds a reference on the primary context, so it stays usable and frees cleanly.
        var back = new float[16];
        buffer.CopyTo<float>(back);
        buffer.Dispose();
        Assert.True(buffer.IsClosed);
    }
}
