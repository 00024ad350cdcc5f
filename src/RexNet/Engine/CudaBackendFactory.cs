using RexNet.Cuda;
using RexNet.Native.Driver;
using RexNet.Weights;

namespace RexNet;

/// <summary>How an engine finds out whether CUDA is usable and makes its CUDA backend: the real driver, or a
/// test's stand-in that fails the way a machine can (no device, a broken device, a bug).</summary>
internal sealed record CudaBackendFactory(
    Func<string?> FindProblem, Func<int> DeviceCount, Func<FoldedModel, EngineOptions, (IInferenceBackend Backend, string Name)> Create)
{
    public static CudaBackendFactory Default { get; } = new(CudaSupport.FindProblem, CudaDevices.Count, (model, options) =>
    {
        var backend = new CudaBackend(model, options);
        return (backend, backend.DeviceInfo.Name);
    });
}
