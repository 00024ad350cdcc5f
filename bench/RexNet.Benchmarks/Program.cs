using BenchmarkDotNet.Running;
using RexNet.Benchmarks;

// `dotnet run -c Release --project bench/RexNet.Benchmarks -- --filter '*'` runs everything;
// BenchmarkDotNet's own flags (--filter, --job short, --list flat) pick what runs.
// `... -- images` is the timing worker that bench/image-throughput.sh drives through stdin.
if (args is ["images"])
{
    return ImageThroughput.Run();
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
