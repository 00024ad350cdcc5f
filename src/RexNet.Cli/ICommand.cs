namespace RexNet.Cli;

internal interface ICommand
{
    string Name { get; }
    string Summary { get; }
    string Usage { get; }

    /// <summary>Options that take a value (--name VALUE or --name=VALUE).</summary>
    IReadOnlyCollection<string> Flags { get; }

    /// <summary>Options without a value (--json).</summary>
    IReadOnlyCollection<string> Switches { get; }

    int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout);
}
