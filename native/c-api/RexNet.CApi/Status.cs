namespace RexNet.CApi;

/// <summary>The status codes rexnet.h documents as REXNET_OK and REXNET_ERR_*: the library's
/// <see cref="RexNetErrorCode"/> values keep their numbers, and the C API adds its own after them.</summary>
internal enum Status
{
    Ok = 0,
    InvalidArgument = 1,
    InvalidFile = 2,
    NotFound = 3,
    DeviceUnavailable = 4,
    DeviceFailure = 5,
    Internal = 6,

    /// <summary>Another thread is inside a call on the same engine.</summary>
    Busy = 7,

    /// <summary>Memory for the engine or the call could not be allocated.</summary>
    OutOfMemory = 8,
}

internal static class StatusMapping
{
    public static Status FromCode(RexNetErrorCode code) => code switch
    {
        RexNetErrorCode.InvalidArgument => Status.InvalidArgument,
        RexNetErrorCode.InvalidFile => Status.InvalidFile,
        RexNetErrorCode.NotFound => Status.NotFound,
        RexNetErrorCode.DeviceUnavailable => Status.DeviceUnavailable,
        RexNetErrorCode.DeviceFailure => Status.DeviceFailure,
        _ => Status.Internal,
    };
}
