using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/RexNet.Benchmarks -- --filter '*'` runs everything;
// BenchmarkDotNet's own flags (--filter, --job short, --list flat) pick what runs.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
