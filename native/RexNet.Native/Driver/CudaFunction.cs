namespace RexNet.Native.Driver;

/// <summary>A kernel (CUfunction) inside a loaded module.</summary>
internal sealed unsafe class CudaFunction
{
    private readonly CudaModuleHandle _module;
    private readonly IntPtr _function;

    internal CudaFunction(CudaModuleHandle module, IntPtr function, string name)
    {
        _module = module;
        _function = function;
        Name = name;
    }

    public string Name { get; }

    public int GetAttribute(CuFunctionAttribute attribute)
    {
        Guard();
        _module.Context.Health.Check(CuDriver.cuFuncGetAttribute(out int value, attribute, _function), "cuFuncGetAttribute", $"kernel '{Name}'");
        return value;
    }

    /// <summary>For example MaxDynamicSharedSizeBytes, to opt in to more than 48 KiB of dynamic shared memory.</summary>
    public void SetAttribute(CuFunctionAttribute attribute, int value)
    {
        Guard();
        _module.Context.Health.Check(CuDriver.cuFuncSetAttribute(_function, attribute, value), "cuFuncSetAttribute", $"kernel '{Name}'");
    }

    public void Launch(Dim3 grid, Dim3 block, uint sharedMemoryBytes, CudaStreamHandle stream, scoped in KernelArguments arguments)
    {
        Guard();
        var slots = arguments.Slots;
        void** pointers = stackalloc void*[Math.Max(1, slots.Length)];
        fixed (ulong* values = slots)
        {
            for (int i = 0; i < slots.Length; i++)
            {
                pointers[i] = values + i;
            }
            var result = CuDriver.cuLaunchKernel(_function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, sharedMemoryBytes, stream, pointers, null);
            // The detail is formatted only on failure: a successful launch must not allocate.
            if (result != CuResult.CUDA_SUCCESS)
            {
                _module.Context.Health.Check(result, "cuLaunchKernel",
                    $"kernel '{Name}' grid ({grid.X},{grid.Y},{grid.Z}) block ({block.X},{block.Y},{block.Z})");
            }
        }
        GC.KeepAlive(_module);
    }

    private void Guard()
    {
        ObjectDisposedException.ThrowIf(_module.IsClosed, _module);
        _module.Context.Health.ThrowIfBroken();
    }
}
