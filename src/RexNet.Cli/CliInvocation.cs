using System.CommandLine;

namespace RexNet.Cli;

/// <summary>System.CommandLine's invocation settings plus what our commands need from the run: the console with its
/// raw standard output, and the arguments as given (for crash reports).</summary>
internal sealed class CliInvocation : InvocationConfiguration
{
    public required CliConsole Console { get; init; }

    public required IReadOnlyList<string> Args { get; init; }
}
