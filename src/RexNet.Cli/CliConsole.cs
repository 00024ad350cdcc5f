namespace RexNet.Cli;

/// <summary>
/// The standard streams a command writes to. <see cref="RawOut"/> is the byte stream under <see cref="Out"/>:
/// binary outputs named "-" are written to it.
/// </summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, Stream RawOut)
{
    public static CliConsole FromProcess() => new(Console.Out, Console.Error, Console.OpenStandardOutput());

    /// <summary>Whether progress may be redrawn in place: stderr is this process's own terminal.</summary>
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;
}
