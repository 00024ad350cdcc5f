namespace RexNet.Native.Errors;

/// <summary>
/// A native call returned a failure status: names the call, the status (name and number) and the
/// library's own description. The cause is the state of the machine (driver, device, memory), not
/// a programming error in the caller.
/// </summary>
internal class CudaException : RexNetException
{
    public CudaApi Api { get; }
    public string Call { get; }
    public int Status { get; }
    public string StatusName { get; }
    public string Description { get; }

    public CudaException(CudaApi api, string call, int status, string statusName, string description, string? detail = null)
        : base(RexNetErrorCode.DeviceFailure, Format(call, status, statusName, description, detail))
    {
        Api = api;
        Call = call;
        Status = status;
        StatusName = statusName;
        Description = description;
    }

    protected CudaException(string message, CudaException cause)
        : base(RexNetErrorCode.DeviceFailure, message, cause)
    {
        Api = cause.Api;
        Call = cause.Call;
        Status = cause.Status;
        StatusName = cause.StatusName;
        Description = cause.Description;
    }

    private static string Format(string call, int status, string statusName, string description, string? detail) =>
        $"{call} failed: {statusName} ({status}): {description}" + (string.IsNullOrEmpty(detail) ? "" : $"; {detail}");
}

/// <summary>
/// Thrown by every call on a context after a sticky error (illegal address, launch failure, ...)
/// made it unusable; carries the error that broke it.
/// </summary>
internal sealed class CudaContextBrokenException(CudaException cause)
    : CudaException($"the CUDA context is unusable since an earlier error; restart the process. First error: {cause.Message}", cause);
