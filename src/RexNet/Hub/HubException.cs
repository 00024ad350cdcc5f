namespace RexNet.Hub;

/// <summary>A hub download or cache lookup failed; the message says what happened and what to do.</summary>
public sealed class HubException(string message, Exception? inner = null, RexNetErrorCode code = RexNetErrorCode.NotFound)
    : RexNetException(code, message, inner);
