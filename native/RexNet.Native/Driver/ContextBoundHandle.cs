using System.Runtime.InteropServices;

namespace RexNet.Native.Driver;

/// <summary>
/// Base of every driver resource that belongs to a context. It holds a reference on the context
/// handle so the context outlives it, and destroys itself with that context pushed current, which
/// makes release correct from any thread, the finalizer's included.
/// </summary>
internal abstract class ContextBoundHandle : SafeHandle
{
    private CudaContext? _context;

    protected ContextBoundHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public CudaContext Context => _context ?? throw new InvalidOperationException($"{GetType().Name} was never created");

    /// <summary>Takes ownership of a freshly created native handle.</summary>
    internal void Attach(CudaContext context, IntPtr value)
    {
        bool added = false;
        context.Handle.DangerousAddRef(ref added);
        _context = context;
        SetHandle(value);
    }

    /// <summary>Throws when the resource was disposed or its context is broken.</summary>
    protected void Guard()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        Context.Health.ThrowIfBroken();
    }

    protected abstract CuResult Destroy(IntPtr value);

    protected sealed override bool ReleaseHandle()
    {
        var contextHandle = _context!.Handle;
        bool pushed = CuDriver.cuCtxPushCurrent_v2(contextHandle.DangerousGetHandle()) == CuResult.CUDA_SUCCESS;
        var result = Destroy(handle);
        if (pushed)
        {
            // Release cannot throw; a failed pop leaves this thread's current context as the pushed one,
            // which is the same primary context every resource here uses.
            CuDriver.cuCtxPopCurrent_v2(out _);
        }
        contextHandle.DangerousRelease();
        return result == CuResult.CUDA_SUCCESS;
    }
}
