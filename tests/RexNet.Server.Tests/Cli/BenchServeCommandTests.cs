using System.Text.Json;
using RexNet.Cli;

namespace RexNet.Server.Tests.Cli;

/// <summary>
/// `rexnet bench-serve` on a small grid (32x32 input, 1 s cells): every cell is answered without errors, cells with
/// the engine carry their same-run baseline and ratios, and the transport-only cells (the server answering without
/// running the engine) carry neither. Speed itself is never asserted.
/// </summary>
public sealed class BenchServeCommandTests
{
    [Fact]
    public void The_grid_has_engine_cells_with_baselines_and_transport_only_cells_without()
    {
        string dir = Directory.CreateTempSubdirectory("rexnet-bench-serve-").FullName;
        try
        {
            string json = Path.Combine(dir, "serve.json");
            var stderr = new StringWriter();
            int exit = CliApp.Run(
                ["bench-serve", "--size", "32", "--concurrency", "1,3", "--seconds", "1", "--warmup-seconds", "0", "--max-batch", "2",
                 "--max-delay-us", "500", "--threads", "1", "--device", "cpu", "--output", json],
                new CliConsole(new StringWriter(), stderr, Stream.Null));
            Assert.True(exit == ExitCodes.Ok, stderr.ToString());

            using var report = JsonDocument.Parse(File.ReadAllText(json));
            var cells = report.RootElement.GetProperty("cells").EnumerateArray().ToList();
            // Batching off and on with the engine, then transport only; two transports; two concurrencies.
            Assert.Equal(12, cells.Count);
            foreach (var cell in cells)
            {
                string where = cell.ToString();
                Assert.Equal(0, cell.GetProperty("errors").GetInt32());
                Assert.True(cell.GetProperty("requests").GetInt32() > 0, where);
                bool transportOnly = cell.GetProperty("transport_only").GetBoolean();
                var nulls = new[] { "engine", "p50_overhead_ms", "throughput_vs_engine" }
                    .Select(p => cell.GetProperty(p).ValueKind == JsonValueKind.Null).ToArray();
                Assert.True(nulls.All(n => n == transportOnly), where);
            }
            Assert.Equal(4, cells.Count(c => c.GetProperty("transport_only").GetBoolean()));
            Assert.Equal(["grpc", "rest-binary"], cells.Select(c => c.GetProperty("transport").GetString()).Distinct().Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
