namespace RexNet.Native.Driver;

/// <summary>
/// Errors after which the driver documents that the context is unusable: every later call in the
/// process returns the same error, and only a new process recovers.
/// </summary>
internal static class StickyErrors
{
    public static bool IsSticky(CuResult result) => result is
        CuResult.CUDA_ERROR_ILLEGAL_ADDRESS or
        CuResult.CUDA_ERROR_LAUNCH_TIMEOUT or
        CuResult.CUDA_ERROR_ASSERT or
        CuResult.CUDA_ERROR_HARDWARE_STACK_ERROR or
        CuResult.CUDA_ERROR_ILLEGAL_INSTRUCTION or
        CuResult.CUDA_ERROR_MISALIGNED_ADDRESS or
        CuResult.CUDA_ERROR_INVALID_ADDRESS_SPACE or
        CuResult.CUDA_ERROR_INVALID_PC or
        CuResult.CUDA_ERROR_LAUNCH_FAILED or
        CuResult.CUDA_ERROR_CONTAINED or
        CuResult.CUDA_ERROR_CONTEXT_IS_DESTROYED;
}
