namespace RexNet.Cli;

/// <summary>Writes the full trace of an unexpected exception to a file the user can attach to a bug report.</summary>
internal static class CrashReport
{
    /// <summary>Returns where the trace went, as a phrase for the one-line error.</summary>
    public static string Write(IReadOnlyList<string> args, Exception e)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rexnet-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
        try
        {
            File.WriteAllText(path,
                $"rexnet {string.Join(' ', args)}\n{DateTime.UtcNow:O}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}\n\n{e}\n");
            return $"please report this bug with the trace in {path}";
        }
        catch (Exception writeFailure) when (writeFailure is IOException or UnauthorizedAccessException)
        {
            return $"please report this bug (the trace could not be written to {path}: {writeFailure.Message})";
        }
    }
}
