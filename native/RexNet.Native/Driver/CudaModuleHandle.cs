namespace RexNet.Native.Driver;

/// <summary>A loaded CUmodule (CUBIN or PTX image); its functions live as long as it does.</summary>
internal sealed class CudaModuleHandle : ContextBoundHandle
{
    internal CudaModuleHandle() { }

    public CudaFunction GetFunction(string name)
    {
        Guard();
        Context.Health.Check(CuDriver.cuModuleGetFunction(out IntPtr function, this, name), "cuModuleGetFunction", $"kernel '{name}'");
        return new CudaFunction(this, function, name);
    }

    protected override CuResult Destroy(IntPtr value) => CuDriver.cuModuleUnload(value);
}
