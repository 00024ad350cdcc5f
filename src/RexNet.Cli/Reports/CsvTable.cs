using System.Globalization;
using System.Text;

namespace RexNet.Cli.Reports;

/// <summary>A CSV document as RFC 4180 writes it: a header row, comma-separated fields, a field with a comma, quote
/// or line break quoted with its quotes doubled (ImageNet labels have commas), numbers in the invariant culture.</summary>
internal sealed class CsvTable(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] fields)
    {
        if (fields.Length != header.Length)
        {
            throw new ArgumentException($"a row of {fields.Length} fields for {header.Length} columns", nameof(fields));
        }
        _rows.Add(fields.Select(Format).ToArray());
    }

    public void WriteTo(Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        foreach (var row in _rows.Prepend(header))
        {
            writer.WriteLine(string.Join(',', row.Select(Quote)));
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
