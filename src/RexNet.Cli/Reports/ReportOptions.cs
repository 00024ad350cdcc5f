using System.CommandLine;
using RexNet.IO;

namespace RexNet.Cli.Reports;

/// <summary>
/// The one output convention of the commands whose result is a report (zoo, predict, eval, bench, ...): the human
/// text on stdout; --json prints the result as JSON on stdout instead (the human text then goes to stderr);
/// --output FILE writes it to FILE as JSON (.json) or CSV (.csv, where the command has a table), "-" being
/// standard output (JSON).
/// </summary>
internal sealed class ReportOptions
{
    private readonly bool _csv;

    public ReportOptions(bool csv)
    {
        _csv = csv;
        Output = new Option<string?>("--output")
        {
            HelpName = "FILE",
            Description = csv
                ? "also write the result to FILE, as JSON (.json) or CSV (.csv); - is standard output (JSON)"
                : "also write the result to FILE as JSON (.json); - is standard output",
        };
    }

    public Option<bool> Json { get; } = Options.CliOptions.Switch("--json",
        "print the result as JSON on standard output (the human-readable text then goes to stderr)");

    public Option<string?> Output { get; }

    public void AddTo(RexNetCommand command)
    {
        command.Add(Json);
        command.Add(Output);
        command.AddCheck(Check);
    }

    private string? Check(ParseResult parse)
    {
        if (parse.GetValue(Output) is not { } path)
        {
            return null;
        }
        if (OutputFile.IsStandardOutput(path))
        {
            return parse.GetValue(Json) ? "--json and --output - both write the JSON to standard output; give one of them" : null;
        }
        return FormatOf(path) is null
            ? $"--output {path}: name a .json{(_csv ? " or .csv" : "")} file (the extension says the format), or - for JSON on standard output"
            : null;
    }

    private ReportFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => ReportFormat.Json,
        ".csv" when _csv => ReportFormat.Csv,
        _ when OutputFile.IsStandardOutput(path) => ReportFormat.Json,
        _ => null,
    };

    /// <summary>Where this run's report goes; an --output file is checked now, before any work.</summary>
    public ReportTarget Open(ParseResult parse, CliConsole console, IEnumerable<string> inputs)
    {
        string? path = parse.GetValue(Output);
        bool json = parse.GetValue(Json);
        var target = new ReportTarget(console, json, path, path is null ? ReportFormat.Json : FormatOf(path)!.Value);
        target.Check(inputs);
        return target;
    }
}

internal enum ReportFormat { Json, Csv }

/// <summary>One run's report destinations: <see cref="Human"/> for the text, then <see cref="Write{T}"/> for the result.</summary>
internal sealed class ReportTarget(CliConsole console, bool json, string? path, ReportFormat format)
{
    /// <summary>Where the human-readable text goes: stdout, unless the result itself goes there.</summary>
    public TextWriter Human { get; } = json || (path is not null && OutputFile.IsStandardOutput(path)) ? console.Error : console.Out;

    /// <summary>The --output file, if any.</summary>
    public string? Path => path;

    /// <summary>Checks the --output file against every input (the list may grow as the work finds them).</summary>
    public void Check(IEnumerable<string> inputs)
    {
        if (path is not null)
        {
            OutputFile.Check(path, inputs);
        }
    }

    /// <summary>Writes the result: as JSON on stdout for --json, and to the --output file in its format.</summary>
    public void Write<T>(T result, Func<T, CsvTable>? csv = null)
    {
        if (json)
        {
            CliJson.Write(console.RawOut, result);
        }
        if (path is not null)
        {
            OutputFile.Write(path, s =>
            {
                if (format == ReportFormat.Csv)
                {
                    (csv ?? throw new InvalidOperationException("CSV was accepted for a report without a table"))(result).WriteTo(s);
                }
                else
                {
                    CliJson.Write(s, result);
                }
            }, console.RawOut);
            if (!OutputFile.IsStandardOutput(path))
            {
                console.Error.WriteLine($"rexnet: wrote {path}");
            }
        }
    }
}
