namespace RexNet.Cli;

/// <summary>What `rexnet` exits with; the README's table of exit codes is this class.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The work failed: a bad or unreadable file, a device error, an image that could not be read.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown command or option, a bad value, a request the library refuses.</summary>
    public const int Usage = 2;

    /// <summary>A bug in rexnet (EX_SOFTWARE in sysexits.h).</summary>
    public const int Internal = 70;

    /// <summary>The library's error kinds as exit codes: what the caller asked for is wrong (2), what the files or the
    /// machine did is wrong (1), the library itself is wrong (70).</summary>
    public static int Of(RexNetErrorCode code) => code switch
    {
        RexNetErrorCode.InvalidArgument => Usage,
        RexNetErrorCode.Internal => Internal,
        _ => Failure,
    };
}
