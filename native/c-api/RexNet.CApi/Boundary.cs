namespace RexNet.CApi;

/// <summary>
/// Where exceptions stop: every export catches everything and returns <see cref="Fail"/>'s status with
/// the message in rexnet_last_error(). Nothing here may throw, or the process would be torn down.
/// </summary>
internal static class Boundary
{
    public static int Succeed()
    {
        LastError.Clear();
        return (int)Status.Ok;
    }

    public static int Fail(Exception e)
    {
        Status status = Classify(e);
        try
        {
            return Fail(status, Describe(e));
        }
        catch (OutOfMemoryException)
        {
            return (int)status;
        }
    }

    public static int Fail(Status status, string message)
    {
        try
        {
            LastError.Set(message);
        }
        catch (OutOfMemoryException)
        {
            // The status alone still says what happened; the previous message stays.
        }
        return (int)status;
    }

    private static Status Classify(Exception e) => e switch
    {
        RexNetException r => StatusMapping.FromCode(r.Code),
        // Leases keep an engine alive through every call, so a disposed engine here is our bug.
        ObjectDisposedException => Status.Internal,
        // The engine's contract: a second caller while a call on the same engine is in flight.
        InvalidOperationException => Status.Busy,
        OutOfMemoryException => Status.OutOfMemory,
        _ => Status.Internal,
    };

    private static string Describe(Exception e) => e switch
    {
        RexNetException or OutOfMemoryException => OneLine(e.Message),
        InvalidOperationException and not ObjectDisposedException => OneLine(e.Message),
        _ => $"internal error in librexnet, please report it: {e.GetType().FullName}: {OneLine(e.Message)}",
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
