namespace RexNet.CApi;

/// <summary>The status codes rexnet.h documents as REXNET_OK and REXNET_ERR_*: the library's
/// <see cref="RexNetErrorCode"/> values keep their numbers, and the C API adds its own after them.</summary>
internal enum Status
{
    Ok = 0,
    InvalidArgument = RexNetErrorCode.InvalidArgument,
    InvalidFile = RexNetErrorCode.InvalidFile,
    NotFound = RexNetErrorCode.NotFound,
    DeviceUnavailable = RexNetErrorCode.DeviceUnavailable,
    DeviceFailure = RexNetErrorCode.DeviceFailure,
    Internal = RexNetErrorCode.Internal,

    /// <summary>Another thread is inside a call on the same engine.</summary>
    Busy = 7,

    /// <summary>Memory for the engine or the call could not be allocated.</summary>
    OutOfMemory = 8,
}

internal static class StatusMapping
{
    /// <summary>A code the C API does not know yet (added to the library later) is reported as internal.</summary>
    public static Status FromCode(RexNetErrorCode code) =>
        Enum.IsDefined(code) && (int)code <= (int)Status.Internal ? (Status)(int)code : Status.Internal;
}
