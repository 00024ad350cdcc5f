using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace RexNet.Cli;

/// <summary>System.CommandLine's help, followed by the command's examples, and for `rexnet --help` the exit codes.</summary>
internal sealed class HelpWithExamples(HelpAction help) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parse)
    {
        help.Invoke(parse);
        var output = parse.InvocationConfiguration.Output;
        var command = parse.CommandResult.Command;
        if (command is RexNetCommand { Examples.Count: > 0 } withExamples)
        {
            output.WriteLine("Examples:");
            foreach (var (commandLine, what) in withExamples.Examples)
            {
                output.WriteLine($"  {commandLine}");
                output.WriteLine($"      {what}");
            }
            output.WriteLine();
        }
        if (command is RootCommand)
        {
            output.WriteLine("Exit codes:");
            output.WriteLine($"  {ExitCodes.Ok}   success");
            output.WriteLine($"  {ExitCodes.Failure}   the work failed: a bad or unreadable file or image, a device error, the hub");
            output.WriteLine($"  {ExitCodes.Usage}   usage: an unknown command or option, a bad value, a request that cannot be met");
            output.WriteLine($"  {ExitCodes.Internal}  a bug in rexnet; the message names a file with the trace to report");
            output.WriteLine();
            output.WriteLine("'rexnet COMMAND --help' describes a command; 'rexnet [suggest] TEXT' lists completions (dotnet-suggest).");
        }
        return ExitCodes.Ok;
    }
}
