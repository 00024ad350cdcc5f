namespace RexNet.Native.Driver;

/// <summary>A CUstream: work submitted to it runs in order.</summary>
internal sealed class CudaStreamHandle : ContextBoundHandle
{
    internal CudaStreamHandle() { }

    public void Synchronize()
    {
        Guard();
        Context.Health.Check(CuDriver.cuStreamSynchronize(this), "cuStreamSynchronize");
    }

    /// <summary>Starts recording this stream's work into a graph instead of running it.</summary>
    public void BeginCapture(CuStreamCaptureMode mode = CuStreamCaptureMode.ThreadLocal)
    {
        Guard();
        Context.Health.Check(CuDriver.cuStreamBeginCapture_v2(this, mode), "cuStreamBeginCapture_v2");
    }

    /// <summary>Ends the capture and returns the recorded graph.</summary>
    public CudaGraphHandle EndCapture()
    {
        Guard();
        var graph = new CudaGraphHandle();
        Context.Health.Check(CuDriver.cuStreamEndCapture(this, out IntPtr raw), "cuStreamEndCapture");
        graph.Attach(Context, raw);
        return graph;
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuStreamDestroy_v2(value);
}
