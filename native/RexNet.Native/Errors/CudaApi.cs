namespace RexNet.Native.Errors;

/// <summary>Which library reported a status.</summary>
public enum CudaApi
{
    Driver,
    Nvrtc,
    Cublas,
}
