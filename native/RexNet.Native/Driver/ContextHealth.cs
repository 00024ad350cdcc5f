using RexNet.Native.Errors;

namespace RexNet.Native.Driver;

/// <summary>
/// Whether a context can still be used. The first sticky error is remembered; from then on every
/// call through the context fails fast with it instead of reaching a driver that would only repeat it.
/// </summary>
internal sealed class ContextHealth
{
    private CudaException? _breakingError;

    public bool IsBroken => _breakingError is not null;

    /// <summary>The error that made the context unusable, if any.</summary>
    public CudaException? BreakingError => _breakingError;

    public void ThrowIfBroken()
    {
        if (_breakingError is { } cause)
        {
            throw new CudaContextBrokenException(cause);
        }
    }

    /// <summary>Throws for any status but success, remembering sticky errors.</summary>
    public void Check(CuResult result, string call, string? detail = null)
    {
        if (result == CuResult.CUDA_SUCCESS)
        {
            return;
        }
        var error = DriverErrors.ToException(result, call, detail);
        if (StickyErrors.IsSticky(result))
        {
            Interlocked.CompareExchange(ref _breakingError, error, null);
        }
        throw error;
    }

    /// <summary>Records a failure reported by another library (cuBLAS) that the driver considers sticky.</summary>
    public void MarkBroken(CudaException error) => Interlocked.CompareExchange(ref _breakingError, error, null);
}
