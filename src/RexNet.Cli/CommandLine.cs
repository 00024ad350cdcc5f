using RexNet.Cli.Commands;

namespace RexNet.Cli;

/// <summary>Dispatches `rexnet COMMAND ...` and turns every failure into one line on stderr and an exit code.</summary>
internal static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitError = 1;
    public const int ExitUsage = 2;
    public const int ExitInternal = 70;

    /// <summary>Every command, one line each; a new command is one class and one line here.</summary>
    public static IReadOnlyList<ICommand> Commands { get; } =
    [
        new ZooCommand(),
        new InitCommand(),
        new RunCommand(),
        new BenchCommand(),
        new PlanCommand(),
        new PreprocessCommand(),
        new PredictCommand(),
        new EvalCommand(),
        new FinetuneCommand(),
        new ExportOnnxCommand(),
        new RunOnnxCommand(),
        new BenchOnnxCommand(),
        new DoctorCommand(),
        new ServeCommand(),
        new BenchServeCommand(),
    ];

    /// <summary>Runs one command line. <paramref name="rawStdout"/> is the byte stream under
    /// <paramref name="stdout"/>: outputs named "-" are written to it.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Stream rawStdout) =>
        Run(args, stdout, stderr, rawStdout, Commands);

    /// <summary>The same with another command table: the seam through which tests drive the error handling.</summary>
    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, Stream rawStdout, IReadOnlyList<ICommand> commands)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintHelp(stdout, commands);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }
        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"rexnet: unknown command '{args[0]}'; run 'rexnet --help' for the list");
            return ExitUsage;
        }
        try
        {
            var parsed = new Arguments(args[1..], command.Flags, command.Switches);
            if (parsed.Has("help"))
            {
                stdout.WriteLine($"usage: rexnet {command.Name} {command.Usage}");
                stdout.WriteLine(command.Summary);
                return ExitOk;
            }
            return command.Execute(parsed, stdout, stderr, rawStdout);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"rexnet {command.Name}: {e.Message}");
            stderr.WriteLine($"usage: rexnet {command.Name} {command.Usage}");
            return ExitUsage;
        }
        catch (RexNetException e)
        {
            stderr.WriteLine($"rexnet {command.Name}: {OneLine(e.Message)}");
            return ExitCodeOf(e.Code);
        }
        catch (Exception e)
        {
            // Not one of ours: a bug. One line for the user, the whole story in a file for the report.
            stderr.WriteLine($"rexnet {command.Name}: internal error ({e.GetType().Name}: {OneLine(e.Message)}); {CrashReport.Write(args, e)}");
            return ExitInternal;
        }
    }

    /// <summary>The library's error kinds as exit codes: what the caller asked for is wrong (2), what the
    /// files or the machine did is wrong (1), the library itself is wrong (70).</summary>
    public static int ExitCodeOf(RexNetErrorCode code) => code switch
    {
        RexNetErrorCode.InvalidArgument => ExitUsage,
        RexNetErrorCode.Internal => ExitInternal,
        _ => ExitError,
    };

    /// <summary>Messages may quote names from input files: line breaks and other control characters become spaces.</summary>
    private static string OneLine(string message) => string.Concat(message.Select(c => char.IsControl(c) ? ' ' : c));

    private static void PrintHelp(TextWriter w, IReadOnlyList<ICommand> commands)
    {
        w.WriteLine("rexnet: ReXNet image classification on CUDA and CPU");
        w.WriteLine();
        foreach (var c in commands)
        {
            w.WriteLine($"  {c.Name,-12} {c.Summary}");
        }
        w.WriteLine();
        w.WriteLine("'rexnet COMMAND --help' shows a command's options.");
    }
}
