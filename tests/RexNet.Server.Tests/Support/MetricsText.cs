using System.Globalization;

namespace RexNet.Server.Tests.Support;

/// <summary>Reads values out of Prometheus' text exposition format.</summary>
internal static class MetricsText
{
    /// <summary>The sum of every series of <paramref name="name"/> (optionally with reason="..."), 0 when absent.</summary>
    public static double Value(string text, string name, string? reason = null)
    {
        double sum = 0;
        foreach (string line in text.Split('\n'))
        {
            if (!line.StartsWith(name + "{", StringComparison.Ordinal) && !line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                continue;
            }
            if (reason is not null && !line.Contains($"reason=\"{reason}\"", StringComparison.Ordinal))
            {
                continue;
            }
            sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return sum;
    }
}
