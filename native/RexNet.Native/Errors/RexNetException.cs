namespace RexNet;

/// <summary>What kind of failure a <see cref="RexNetException"/> reports; the CLI's exit codes and the C
/// API's status codes are derived from it.</summary>
public enum RexNetErrorCode
{
    /// <summary>An option or argument is out of range or contradicts another (a usage error).</summary>
    InvalidArgument = 1,

    /// <summary>An input file (weights, tensors, images, lists) is missing its content or is malformed.</summary>
    InvalidFile = 2,

    /// <summary>Something named does not exist: a file, a folder, a model, a hub repository.</summary>
    NotFound = 3,

    /// <summary>The requested device cannot be used here (no driver, no GPU, no NVRTC or cuBLAS).</summary>
    DeviceUnavailable = 4,

    /// <summary>The device or its libraries failed while in use (a CUDA call returned an error).</summary>
    DeviceFailure = 5,

    /// <summary>An invariant of the library itself was broken: a bug to report.</summary>
    Internal = 6,
}

/// <summary>
/// The root of every exception the library throws on purpose. Anything else that escapes it
/// (other than <see cref="ObjectDisposedException"/> and <see cref="InvalidOperationException"/>
/// for misuse of one engine from two threads) is a bug.
/// </summary>
public class RexNetException : Exception
{
    public RexNetErrorCode Code { get; }

    public RexNetException(RexNetErrorCode code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }
}
