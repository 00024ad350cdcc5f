namespace RexNet.Native.Errors;

/// <summary>Which library reported a status.</summary>
internal enum CudaApi
{
    Driver,
    Nvrtc,
    Cublas,
}
