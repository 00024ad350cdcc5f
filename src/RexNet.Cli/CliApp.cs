using System.CommandLine;
using System.CommandLine.Help;
using RexNet.Cli.Commands;

namespace RexNet.Cli;

/// <summary>`rexnet`: the command tree on System.CommandLine, and the one place where a command line becomes an exit code.</summary>
internal static class CliApp
{
    public const string Description = "ReXNet image classification (timm's rexnet.py) on CUDA and CPU.";

    /// <summary>Every command; a new command is one class and one line here.</summary>
    public static IReadOnlyList<RexNetCommand> CreateCommands() =>
    [
        new ZooCommand(),
        new PredictCommand(),
        new EvalCommand(),
        new FinetuneCommand(),
        new PreprocessCommand(),
        new RunCommand(),
        new InitCommand(),
        new BenchCommand(),
        new PlanCommand(),
        new ExportOnnxCommand(),
        new RunOnnxCommand(),
        new BenchOnnxCommand(),
        new DoctorCommand(),
        new ServeCommand(),
        new BenchServeCommand(),
    ];

    public static int Run(IReadOnlyList<string> args, CliConsole console) => Run(args, console, CreateCommands());

    /// <summary>The same with another command table: the seam through which tests drive the error handling.</summary>
    internal static int Run(IReadOnlyList<string> args, CliConsole console, IEnumerable<RexNetCommand> commands)
    {
        var root = CreateRoot(commands);
        var parse = root.Parse(args);
        if (UsageErrors.Find(parse) is { } error)
        {
            UsageErrors.Write(console.Error, parse.CommandResult.Command, error);
            return ExitCodes.Usage;
        }
        return parse.Invoke(new CliInvocation
        {
            Console = console, Args = args, Output = console.Out, Error = console.Error,
            // Bugs are ours to report (RexNetCommand); Ctrl+C keeps its default meaning.
            EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        });
    }

    public static RootCommand CreateRoot(IEnumerable<RexNetCommand> commands)
    {
        var root = new RootCommand(Description) { HelpName = "rexnet" };
        foreach (var command in commands)
        {
            root.Add(command);
        }
        foreach (var option in root.Options)
        {
            switch (option)
            {
                case HelpOption help:
                    help.Action = new HelpWithExamples((HelpAction)help.Action!);
                    break;
                case VersionOption version:
                    version.Action = new VersionAction();
                    break;
            }
        }
        // `rexnet` alone is a usage error: the overview goes to stderr.
        root.SetAction(new Func<ParseResult, int>(parse =>
        {
            var invocation = (CliInvocation)parse.InvocationConfiguration;
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = invocation.Console.Error });
            return ExitCodes.Usage;
        }));
        return root;
    }
}
