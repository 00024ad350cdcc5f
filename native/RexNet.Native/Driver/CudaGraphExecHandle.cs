namespace RexNet.Native.Driver;

/// <summary>A CUgraphExec: an instantiated graph, launched as one unit.</summary>
internal sealed class CudaGraphExecHandle : ContextBoundHandle
{
    internal CudaGraphExecHandle() { }

    public void Launch(CudaStreamHandle stream)
    {
        Guard();
        Context.Health.Check(CuDriver.cuGraphLaunch(this, stream), "cuGraphLaunch");
    }

    /// <summary>
    /// Updates this executable graph in place from a graph of the same topology (new kernel arguments,
    /// new pointers). Returns false, with the driver's reason, when the change needs a fresh instantiation.
    /// </summary>
    public bool TryUpdate(CudaGraphHandle graph, out CuGraphExecUpdateResult reason)
    {
        Guard();
        var status = CuDriver.cuGraphExecUpdate_v2(this, graph, out var info);
        reason = info.Result;
        if (status == CuResult.CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE)
        {
            return false;
        }
        Context.Health.Check(status, "cuGraphExecUpdate_v2");
        return true;
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuGraphExecDestroy(value);
}
