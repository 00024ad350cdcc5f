using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using RexNet.Model;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Hosting;
using RexNet.Weights;

namespace RexNet.Server.Benchmark;

/// <summary>What `rexnet bench-serve` measures.</summary>
internal sealed record ServeBenchmarkOptions
{
    public string Model { get; init; } = "rexnet_100";
    public int Size { get; init; } = 224;
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 8, 32, 128];
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public int? Threads { get; init; }
    public DeviceSpec Device { get; init; } = DeviceSpec.Cpu;
    public int MaxBatch { get; init; } = 8;
    public int MaxDelayMicroseconds { get; init; } = 2000;
}

/// <summary>One cell of the table: a transport at a concurrency, with batching on or off; or, with no
/// <see cref="Engine"/>, the same server answering without running the engine (<see cref="ServeOptions.TransportOnly"/>).</summary>
internal sealed record ServeCell(string Batching, string Transport, int Concurrency, int Requests, int Errors, double Seconds,
    double P50Ms, double P99Ms, EngineBaseline? Engine)
{
    /// <summary>At concurrency 1: the process's CPU time per request (server and client) and per engine call alone.
    /// CPU time counts only while a thread runs, so unlike latency it holds up on a machine others load.</summary>
    public (double Request, double Engine)? CpuMs { get; init; }

    /// <summary>What the process (server and clients together) spent per request over the timed window.</summary>
    public ProcessCost Cost { get; init; } = ProcessCost.None;

    public double RequestsPerSecond => Requests / Seconds;

    public bool TransportOnly => Engine is null;

    /// <summary>p50 over the engine's batch-1 p50 measured just before this cell.</summary>
    public double? P50OverheadMs => P50Ms - Engine?.P50Ms;

    /// <summary>Requests (images) per second over the engine's best images per second, measured just before.</summary>
    public double? ThroughputRatio => RequestsPerSecond / Engine?.BestImagesPerSecond;
}

/// <summary>The in-process engine measured in the same run: batch-1 latency and the best images/s over batch sizes.</summary>
internal sealed record EngineBaseline(double P50Ms, double P99Ms, int BestBatch, double BestImagesPerSecond,
    IReadOnlyDictionary<int, double> ImagesPerSecond)
{
    /// <summary>The mean of measurements before and after a cell: the machine's load drifts during it.</summary>
    public static EngineBaseline Mean(EngineBaseline a, EngineBaseline b)
    {
        var rates = a.ImagesPerSecond.ToDictionary(kv => kv.Key, kv => (kv.Value + b.ImagesPerSecond[kv.Key]) / 2);
        var best = rates.MaxBy(kv => kv.Value);
        return new EngineBaseline((a.P50Ms + b.P50Ms) / 2, (a.P99Ms + b.P99Ms) / 2, best.Key, best.Value, rates);
    }
}

/// <summary>Per request: process CPU (at concurrency 1 it includes the alternating engine call), managed bytes
/// allocated, and garbage collections of each generation per 1000 requests.</summary>
internal sealed record ProcessCost(double CpuMs, double AllocatedKB, double Gen0PerK, double Gen1PerK, double Gen2PerK)
{
    public static readonly ProcessCost None = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}

/// <summary>The process's CPU time, allocated bytes and collection counts at one moment.</summary>
internal readonly record struct ProcessSample(TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2)
{
    public static ProcessSample Take(Process self)
    {
        self.Refresh();
        return new(self.TotalProcessorTime, GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    public static ProcessCost PerRequest(ProcessSample from, ProcessSample to, int requests)
    {
        double n = Math.Max(1, requests);
        return new ProcessCost((to.Cpu - from.Cpu).TotalMilliseconds / n, (to.Allocated - from.Allocated) / 1024.0 / n,
            (to.Gen0 - from.Gen0) * 1000 / n, (to.Gen1 - from.Gen1) * 1000 / n, (to.Gen2 - from.Gen2) * 1000 / n);
    }
}

internal sealed record ServeBenchmarkReport(IReadOnlyList<ServeCell> Cells);

/// <summary>
/// The server's overhead and batching's gain as same-run ratios. The server runs on loopback sockets with batching
/// off (max batch 1) and on, driven by closed-loop clients (each sends its next request when the last is answered)
/// over binary REST and gRPC. The engine alone (batch-1 latency, images/s per batch size) is measured right before
/// and after every cell, and at concurrency 1 call by call in alternation with the requests, so that each ratio
/// compares measurements seconds apart (or interleaved) on a machine whose load drifts. Last, the same server
/// answers without running the engine: the round trip and CPU per request of the transports, this server's code
/// and the clients alone, the floor under the overhead on this machine.
/// Random-init weights: speed does not depend on the values.
/// </summary>
internal static class ServeBenchmark
{
    public static async Task<ServeBenchmarkReport> RunAsync(ServeBenchmarkOptions options, TextWriter log)
    {
        var weights = RandomInit.CreateFolded(ModelSpec.FromZoo(options.Model), seed: 0);
        var engineOptions = new EngineOptions
        {
            FoldedWeights = weights, Height = options.Size, Width = options.Size, MaxBatch = options.MaxBatch, Threads = options.Threads,
        }.WithDevice(options.Device);
        int per = 3 * options.Size * options.Size;
        var image = new float[per];
        var rng = new Random(1);
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        using var baselinePool = RexNetEnginePool.Create(engineOptions, 1);
        var cells = new List<ServeCell>();
        foreach (var (name, maxBatch, delay, transportOnly) in (List<(string, int, int, bool)>)
                 [("off", 1, 0, false), ("on", options.MaxBatch, options.MaxDelayMicroseconds, false), ("off", 1, 0, true)])
        {
            var serve = new ServeOptions
            {
                FoldedWeights = weights, Height = options.Size, Width = options.Size, Threads = options.Threads, Device = options.Device,
                HttpPort = 0, GrpcPort = 0, MaxBatch = maxBatch, MaxDelayMicroseconds = delay,
                MaxQueue = Math.Max(64, 2 * options.Concurrency.Max()), LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
                TransportOnly = transportOnly,
            };
            await using var server = ServerApp.Build(serve);
            await server.StartAsync();
            await server.LoadAsync();
            foreach (var transport in Transports(server, image, options.Size, server.Host.Name!))
            {
                foreach (int c in options.Concurrency)
                {
                    if (transportOnly)
                    {
                        var floor = await MeasureAsync(name, transport, c, options, null);
                        cells.Add(floor);
                        log.WriteLine(string.Format(CultureInfo.InvariantCulture,
                            "no engine   {0,-11} c={1,-4} {2,8:F1} req/s  p50 {3,8:F2} ms  p99 {4,8:F2} ms  errors {5}  | per request: CPU {6:F2} ms, {7:F0} KB allocated",
                            floor.Transport, floor.Concurrency, floor.RequestsPerSecond, floor.P50Ms, floor.P99Ms, floor.Errors, floor.Cost.CpuMs,
                            floor.Cost.AllocatedKB));
                        continue;
                    }
                    var before = MeasureEngine(baselinePool, image, options);
                    var cell = c == 1
                        ? await MeasureAlternatingAsync(name, transport, options, baselinePool, image, before)
                        : await MeasureAsync(name, transport, c, options, before);
                    if (c != 1)
                    {
                        cell = cell with { Engine = EngineBaseline.Mean(before, MeasureEngine(baselinePool, image, options)) };
                    }
                    var engine = cell.Engine!;
                    cells.Add(cell);
                    log.WriteLine(string.Format(CultureInfo.InvariantCulture,
                        "batching {0,-3} {1,-11} c={2,-4} {3,8:F1} req/s  p50 {4,8:F2} ms  p99 {5,8:F2} ms  errors {6}  | engine b1 p50 {7:F2} ms, best {8:F1} img/s (b{9})" +
                        "  | per request: CPU {10:F2} ms, {11:F0} KB allocated, GCs per 1000: {12:F0}/{13:F0}/{14:F0} (gen0/1/2)",
                        cell.Batching, cell.Transport, cell.Concurrency, cell.RequestsPerSecond, cell.P50Ms, cell.P99Ms, cell.Errors,
                        engine.P50Ms, engine.BestImagesPerSecond, engine.BestBatch, cell.Cost.CpuMs, cell.Cost.AllocatedKB,
                        cell.Cost.Gen0PerK, cell.Cost.Gen1PerK, cell.Cost.Gen2PerK));
                }
                transport.Dispose();
            }
        }
        return new ServeBenchmarkReport(cells);
    }

    /// <summary>The engine alone: batch-1 latency for a third of the cell's duration, then images/s at each power-of-two
    /// batch up to the server's max batch, a sixth of the duration each.</summary>
    private static EngineBaseline MeasureEngine(RexNetEnginePool pool, float[] image, ServeBenchmarkOptions options)
    {
        using var lease = pool.Rent();
        var engine = lease.Engine;
        var logits = new float[options.MaxBatch * engine.NumClasses];
        engine.Run(image, logits);
        var samples = new List<double>();
        long until = Stopwatch.GetTimestamp() + (long)(options.Duration.TotalSeconds / 3 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            long t0 = Stopwatch.GetTimestamp();
            engine.Run(image, logits);
            samples.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        var throughput = new Dictionary<int, double> { [1] = samples.Count / samples.Sum() * 1000 };
        for (int batch = 2; batch <= options.MaxBatch; batch *= 2)
        {
            var input = new float[batch * image.Length];
            for (int i = 0; i < batch; i++)
            {
                image.CopyTo(input, i * image.Length);
            }
            engine.Run(input, logits);
            int images = 0;
            long start = Stopwatch.GetTimestamp();
            until = start + (long)(options.Duration.TotalSeconds / 6 * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < until)
            {
                engine.Run(input, logits);
                images += batch;
            }
            throughput[batch] = images / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        samples.Sort();
        var best = throughput.MaxBy(kv => kv.Value);
        return new EngineBaseline(Percentile(samples, 0.50), Percentile(samples, 0.99), best.Key, best.Value, throughput);
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>A way to send one single-image request; true when it was answered with logits.</summary>
    private abstract class Transport(string name) : IDisposable
    {
        public string Name { get; } = name;
        public abstract Task<bool> SendAsync();
        public abstract void Dispose();
    }

    private static IEnumerable<Transport> Transports(ServerApp server, float[] image, int size, string model)
    {
        yield return new BinaryRest(server.HttpPort, image, size, model);
        yield return new GrpcRaw(server.GrpcPort, image, size, model);
    }

    /// <summary>binary_tensor_data as tritonclient sends it: a JSON header and the raw FP32 image; raw logits back.</summary>
    private sealed class BinaryRest : Transport
    {
        private readonly HttpClient _http;
        private readonly byte[] _body;
        private readonly int _header;
        private readonly string _path;

        public BinaryRest(int port, float[] image, int size, string model) : base("rest-binary")
        {
            _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            byte[] raw = MemoryMarshal.AsBytes(image.AsSpan()).ToArray();
            byte[] json = Encoding.UTF8.GetBytes(
                $$$"""{"inputs":[{"name":"input","datatype":"FP32","shape":[1,3,{{{size}}},{{{size}}}],"parameters":{"binary_data_size":{{{raw.Length}}}}}],"outputs":[{"name":"logits","parameters":{"binary_data":true}}]}""");
            _header = json.Length;
            _path = $"/v2/models/{model}/infer";
            _body = [.. json, .. raw];
        }

        public override async Task<bool> SendAsync()
        {
            var content = new ByteArrayContent(_body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.Add("Inference-Header-Content-Length", _header.ToString(CultureInfo.InvariantCulture));
            using var response = await _http.PostAsync(_path, content);
            byte[] answer = await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode && answer.Length > 0;
        }

        public override void Dispose() => _http.Dispose();
    }

    /// <summary>ModelInfer with raw_input_contents; HTTP/2 connections are added past 100 streams each.</summary>
    private sealed class GrpcRaw : Transport
    {
        private readonly GrpcChannel _channel;
        private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
        private readonly ModelInferRequest _request;

        public GrpcRaw(int port, float[] image, int size, string model) : base("grpc")
        {
            _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
                MaxReceiveMessageSize = null,
            });
            _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
            _request = new ModelInferRequest
            {
                ModelName = model,
                Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 3, size, size } } },
                RawInputContents = { ByteString.CopyFrom(MemoryMarshal.AsBytes(image.AsSpan())) },
            };
        }

        public override async Task<bool> SendAsync()
        {
            try
            {
                var response = await _client.ModelInferAsync(_request);
                return response.RawOutputContents.Count == 1;
            }
            catch (global::Grpc.Core.RpcException)
            {
                return false;
            }
        }

        public override void Dispose() => _channel.Dispose();
    }

    /// <summary>Concurrency 1: one request, then one engine call on the same image, alternating through warm-up and
    /// the window, so both latency distributions see the same load.</summary>
    private static async Task<ServeCell> MeasureAlternatingAsync(string batching, Transport transport, ServeBenchmarkOptions options,
        RexNetEnginePool pool, float[] image, EngineBaseline throughput)
    {
        using var lease = pool.Rent();
        var logits = new float[lease.Engine.NumClasses];
        long start = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        long end = start + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var served = new List<double>();
        var alone = new List<double>();
        int errors = 0;
        long serverTicks = 0;
        using var self = Process.GetCurrentProcess();
        TimeSpan requestCpu = TimeSpan.Zero, engineCpu = TimeSpan.Zero;
        ProcessSample? first = null;
        while (Stopwatch.GetTimestamp() < end)
        {
            var c0 = Cpu(self);
            long t0 = Stopwatch.GetTimestamp();
            bool ok = await transport.SendAsync();
            long t1 = Stopwatch.GetTimestamp();
            var c1 = Cpu(self);
            lease.Engine.Run(image, logits);
            long t2 = Stopwatch.GetTimestamp();
            var c2 = Cpu(self);
            if (t0 < start)
            {
                continue;
            }
            first ??= ProcessSample.Take(self);
            requestCpu += c1 - c0;
            engineCpu += c2 - c1;
            serverTicks += t1 - t0;
            alone.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
            if (ok)
            {
                served.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            }
            else
            {
                errors++;
            }
        }
        var last = ProcessSample.Take(self);
        served.Sort();
        alone.Sort();
        var engine = throughput with { P50Ms = Percentile(alone, 0.50), P99Ms = Percentile(alone, 0.99) };
        // Requests per second of the time spent in requests: what one closed-loop client sees without the engine calls.
        double seconds = Math.Max((double)serverTicks / Stopwatch.Frequency, 1e-9);
        return new ServeCell(batching, transport.Name, 1, served.Count, errors, seconds, Percentile(served, 0.50), Percentile(served, 0.99), engine)
        {
            CpuMs = (requestCpu.TotalMilliseconds / Math.Max(1, served.Count + errors), engineCpu.TotalMilliseconds / Math.Max(1, alone.Count)),
            // The first sample is taken after the window's first round, which it leaves out.
            Cost = ProcessSample.PerRequest(first ?? last, last, served.Count + errors - 1),
        };
    }

    private static Task Until(long timestamp)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return left > TimeSpan.Zero ? Task.Delay(left) : Task.CompletedTask;
    }

    private static TimeSpan Cpu(Process self)
    {
        self.Refresh();
        return self.TotalProcessorTime;
    }

    /// <summary>Closed-loop clients through warm-up and the measured window: requests answered inside the window count,
    /// with their latencies, so the tail after the window (long at high concurrency) does not dilute the rate.</summary>
    private static async Task<ServeCell> MeasureAsync(string batching, Transport transport, int concurrency, ServeBenchmarkOptions options,
        EngineBaseline? engine)
    {
        long start = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        long end = start + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<double>[concurrency];
        var errors = new int[concurrency];
        var clients = Enumerable.Range(0, concurrency).Select(async i =>
        {
            latencies[i] = [];
            while (Stopwatch.GetTimestamp() < end)
            {
                long t0 = Stopwatch.GetTimestamp();
                bool ok = await transport.SendAsync();
                long t1 = Stopwatch.GetTimestamp();
                if (t1 < start || t1 > end)
                {
                    continue;
                }
                if (ok)
                {
                    latencies[i].Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                }
                else
                {
                    errors[i]++;
                }
            }
        }).ToArray();
        using var self = Process.GetCurrentProcess();
        await Until(start);
        var first = ProcessSample.Take(self);
        await Until(end);
        var last = ProcessSample.Take(self);
        await Task.WhenAll(clients);
        var all = latencies.SelectMany(l => l).ToList();
        all.Sort();
        return new ServeCell(batching, transport.Name, concurrency, all.Count, errors.Sum(), options.Duration.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.99), engine) { Cost = ProcessSample.PerRequest(first, last, all.Count + errors.Sum()) };
    }
}
