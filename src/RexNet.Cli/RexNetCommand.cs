using System.CommandLine;

namespace RexNet.Cli;

/// <summary>
/// One `rexnet` command: its options, examples and work. The action runs the work and turns what it throws into
/// one line on stderr and an exit code: a <see cref="RexNetException"/> by its error code, anything else as a bug
/// (exit 70, the trace in a file).
/// </summary>
internal abstract class RexNetCommand : Command
{
    protected RexNetCommand(string name, string description) : base(name, description)
    {
        SetAction(new Func<ParseResult, int>(Invoke));
    }

    private readonly List<Func<ParseResult, string?>> _checks = [];

    /// <summary>
    /// Checks across options (two that exclude each other, one that needs another), run once the command line has
    /// parsed: each returns what is wrong, or null. They are not System.CommandLine validators because an error a
    /// command validator adds hides the parser's own (a missing value, a required option).
    /// </summary>
    public IReadOnlyList<Func<ParseResult, string?>> Checks => _checks;

    public void AddCheck(Func<ParseResult, string?> check) => _checks.Add(check);

    /// <summary>Command lines shown under "Examples:" in --help, each with what it does.</summary>
    public virtual IReadOnlyList<(string CommandLine, string What)> Examples => [];

    /// <summary>The work; returns the exit code. Options are read from <paramref name="parse"/>.</summary>
    protected abstract int Execute(ParseResult parse, CliConsole console);

    private int Invoke(ParseResult parse)
    {
        var invocation = (CliInvocation)parse.InvocationConfiguration;
        var console = invocation.Console;
        try
        {
            return Execute(parse, console);
        }
        catch (RexNetException e)
        {
            console.Error.WriteLine($"rexnet {Name}: {OneLine(e.Message)}");
            return ExitCodes.Of(e.Code);
        }
        catch (Exception e)
        {
            // Not one of ours: a bug. One line for the user, the whole story in a file for the report.
            console.Error.WriteLine($"rexnet {Name}: internal error ({e.GetType().Name}: {OneLine(e.Message)}); {CrashReport.Write(invocation.Args, e)}");
            return ExitCodes.Internal;
        }
    }

    /// <summary>Messages may quote names from input files: line breaks and other control characters become spaces.</summary>
    public static string OneLine(string message) => string.Concat(message.Select(c => char.IsControl(c) ? ' ' : c));
}
