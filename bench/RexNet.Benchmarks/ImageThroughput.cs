using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RexNet.Imaging;

namespace RexNet.Benchmarks;

/// <summary>
/// `images`: a timing worker for bench/image-throughput.sh. For each "SECONDS PATH" line on stdin it runs decode +
/// timm preprocessing (224, crop 0.875) of the file three times untimed, then call by call for at least SECONDS
/// on this one thread, and answers with one JSON line; the driver asks PIL's worker the same in turn.
/// </summary>
internal static class ImageThroughput
{
    public static int Run()
    {
        var options = PreprocessOptions.Default;
        while (Console.ReadLine() is { } line)
        {
            int space = line.IndexOf(' ');
            double seconds = double.Parse(line[..space], CultureInfo.InvariantCulture);
            string file = line[(space + 1)..];
            for (int i = 0; i < 3; i++)
            {
                ImagePreprocessor.Preprocess(file, options);
            }
            var times = new List<double>();
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds || times.Count < 5)
            {
                long start = Stopwatch.GetTimestamp();
                ImagePreprocessor.Preprocess(file, options);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine(JsonSerializer.Serialize(new { runs = times.Count, median_ms = times[times.Count / 2] }));
            Console.Out.Flush();
        }
        return 0;
    }
}
