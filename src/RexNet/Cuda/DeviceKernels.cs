using RexNet.Native.Driver;

namespace RexNet.Cuda;

/// <summary>
/// The backend's kernels on one device: each kernels/*.cu compiled by NVRTC (through the disk cache) for
/// the device's architecture, loaded as a module, and every catalogued entry point looked up once.
/// </summary>
internal sealed class DeviceKernels : IDisposable
{
    private readonly List<CudaModuleHandle> _modules = [];
    private readonly Dictionary<string, CudaFunction> _functions = [];

    public DeviceKernels(CudaContext context, KernelCompiler compiler)
    {
        try
        {
            foreach (var file in KernelCatalog.Kernels.Select(k => k.File).Distinct())
            {
                var compiled = compiler.Compile(file, context.Device.Arch);
                var module = context.LoadModule(compiled.Image);
                _modules.Add(module);
                foreach (var (kernel, _) in KernelCatalog.Kernels.Where(k => k.File == file))
                {
                    _functions[kernel] = module.GetFunction(kernel);
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public CudaFunction this[string kernel] => _functions[kernel];

    public void Dispose()
    {
        foreach (var m in _modules)
        {
            m.Dispose();
        }
        _modules.Clear();
    }
}
