namespace RexNet.Native.Driver;

/// <summary>A CUevent: a marker in a stream, used for device-side timing and waiting.</summary>
internal sealed class CudaEventHandle : ContextBoundHandle
{
    internal CudaEventHandle() { }

    public void Record(CudaStreamHandle stream)
    {
        Guard();
        Context.Health.Check(CuDriver.cuEventRecord(this, stream), "cuEventRecord");
    }

    public void Synchronize()
    {
        Guard();
        Context.Health.Check(CuDriver.cuEventSynchronize(this), "cuEventSynchronize");
    }

    /// <summary>Milliseconds between two recorded events (both must have completed).</summary>
    public static float ElapsedMilliseconds(CudaEventHandle start, CudaEventHandle end)
    {
        start.Guard();
        end.Guard();
        start.Context.Health.Check(CuDriver.cuEventElapsedTime(out float ms, start, end), "cuEventElapsedTime");
        return ms;
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuEventDestroy_v2(value);
}
