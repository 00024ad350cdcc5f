using System.CommandLine;
using RexNet.IO;

namespace RexNet.Cli.Reports;

/// <summary>
/// The output convention of the commands whose result is a file (init, preprocess, run, export-onnx, run-onnx):
/// --output FILE in the command's format, "-" being standard output; a one-line summary of what was written on
/// stdout, or on stderr when the file goes to stdout or --json prints the summary as JSON instead.
/// </summary>
internal sealed class FileOutputOptions(string description)
{
    public Option<string> Output { get; } = new("--output") { Description = $"{description}; - is standard output", HelpName = "FILE", Required = true };

    public Option<bool> Json { get; } = Options.CliOptions.Switch("--json",
        "print a summary of what was written as JSON on standard output (the text summary then goes to stderr)");

    public void AddTo(RexNetCommand command)
    {
        command.Add(Output);
        command.Add(Json);
        command.AddCheck(parse => parse.GetValue(Json) && OutputFile.IsStandardOutput(Path(parse))
            ? "--json and --output - both write to standard output; give one of them"
            : null);
    }

    public string Path(ParseResult parse) => parse.GetValue(Output)!;

    /// <summary>Writes the summary: <paramref name="text"/> for people, <paramref name="summary"/> as JSON for --json.</summary>
    public void Summarise<T>(ParseResult parse, CliConsole console, string text, T summary)
    {
        bool json = parse.GetValue(Json);
        (json || OutputFile.IsStandardOutput(Path(parse)) ? console.Error : console.Out).WriteLine(text);
        if (json)
        {
            CliJson.Write(console.RawOut, summary);
        }
    }
}
