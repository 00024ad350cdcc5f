using System.Text;
using RexNet.Cli;

namespace RexNet.Tests.Support;

internal sealed record CliResult(int ExitCode, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => new UTF8Encoding(false).GetString(StdoutBytes);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs the `rexnet` command line in-process with captured output. Standard output is one byte
/// stream, as in a process: text lines and binary outputs named "-" land in it in the order written.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(CliApp.CreateCommands(), args);

    public static CliResult Run(IEnumerable<RexNetCommand> commands, params string[] args)
    {
        var raw = new MemoryStream();
        var stdout = new StreamWriter(raw, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true };
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, new CliConsole(stdout, stderr, raw), commands);
        stdout.Flush();
        return new CliResult(exit, raw.ToArray(), stderr.ToString());
    }
}
