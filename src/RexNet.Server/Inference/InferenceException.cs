namespace RexNet.Server.Inference;

/// <summary>How a request failed, independent of the transport: REST and gRPC each map it to their status codes.</summary>
internal enum InferenceStatus
{
    /// <summary>The request is malformed or does not fit the model (400, INVALID_ARGUMENT).</summary>
    BadRequest,

    /// <summary>No such model or version (404, NOT_FOUND).</summary>
    NotFound,

    /// <summary>The queue is full: retry later (429, RESOURCE_EXHAUSTED).</summary>
    Overloaded,

    /// <summary>Not ready yet, or shutting down (503, UNAVAILABLE).</summary>
    Unavailable,

    /// <summary>The engine failed while running the batch (500, INTERNAL).</summary>
    Internal,
}

/// <summary>A request the server answers with an error; the message names the problem and is sent to the client.</summary>
internal sealed class InferenceException(InferenceStatus status, string message, Exception? inner = null)
    : RexNetException(CodeOf(status), message, inner)
{
    public InferenceStatus Status { get; } = status;

    public static InferenceException BadRequest(string message) => new(InferenceStatus.BadRequest, message);

    private static RexNetErrorCode CodeOf(InferenceStatus status) => status switch
    {
        InferenceStatus.BadRequest => RexNetErrorCode.InvalidArgument,
        InferenceStatus.NotFound => RexNetErrorCode.NotFound,
        InferenceStatus.Overloaded or InferenceStatus.Unavailable => RexNetErrorCode.DeviceUnavailable,
        _ => RexNetErrorCode.DeviceFailure,
    };
}
