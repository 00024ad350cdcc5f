namespace RexNet.Native.Driver;

/// <summary>A CUgraph recorded by stream capture.</summary>
internal sealed class CudaGraphHandle : ContextBoundHandle
{
    internal CudaGraphHandle() { }

    public CudaGraphExecHandle Instantiate(CuGraphInstantiateFlags flags = CuGraphInstantiateFlags.None)
    {
        Guard();
        var exec = new CudaGraphExecHandle();
        Context.Health.Check(CuDriver.cuGraphInstantiateWithFlags(out IntPtr raw, this, flags), "cuGraphInstantiateWithFlags");
        exec.Attach(Context, raw);
        return exec;
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuGraphDestroy(value);
}
