using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>
/// Interprets a <see cref="Plan"/> on the CPU: one arena of slots, one worker pool, and per batch size a
/// list of jobs bound to that arena. Plans for every batch size up to MaxBatch share the arena (slot sizes
/// grow linearly with batch, so the max-batch plan's slots fit all). Everything is allocated when the
/// backend is created; runs allocate nothing.
/// </summary>
internal sealed class CpuBackend : IInferenceBackend
{
    private readonly Plan[] _plans;
    private readonly CpuJob[][] _jobs;
    private readonly float[][] _slots;
    private readonly WorkerPool _pool;

    public DeviceKind Device => DeviceKind.Cpu;

    internal WorkerPool Pool => _pool;

    /// <summary>Bytes of activation memory the arena holds.</summary>
    public long ArenaBytes { get; }

    public long DeviceMemoryBytes => 0;

    public double? LastDeviceMilliseconds => null;

    public IReadOnlyDictionary<string, string> DeviceProperties { get; }

    public CpuBackend(FoldedModel model, EngineOptions options, VectorIsa? isa = null)
    {
        var vectorIsa = isa ?? Gemm.BestIsa;
        int workers = options.Threads ?? Environment.ProcessorCount;
        _plans = Enumerable.Range(1, options.MaxBatch).Select(b => Plan.Build(model, b, options.Height, options.Width)).ToArray();
        var maxPlan = _plans[^1];
        _slots = maxPlan.SlotSizes.Select(size => new float[size]).ToArray();
        ArenaBytes = maxPlan.ArenaBytes;
        _pool = new WorkerPool(workers);
        DeviceProperties = new Dictionary<string, string>
        {
            ["simd"] = vectorIsa.ToString(),
            ["threads"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["logical_cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["architecture"] = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(),
        };
        var scratch = Enumerable.Range(0, workers).Select(_ => new float[CpuJobs.ScratchLength(maxPlan, vectorIsa)]).ToArray();
        _jobs = _plans.Select(p =>
        {
            var jobs = CpuJobs.Compile(p, _slots, workers, vectorIsa);
            foreach (var j in jobs)
            {
                j.Scratch = scratch;
            }
            return jobs;
        }).ToArray();
    }

    private Span<float> Buffer(Plan plan, int tensor) =>
        _slots[plan.SlotOf[tensor]].AsSpan(0, plan.Tensors[tensor].Shape.Count);

    public void Run(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> features)
    {
        var plan = _plans[batch - 1];
        var jobs = _jobs[batch - 1];
        input.CopyTo(Buffer(plan, plan.Input.Id));
        // Features are the last thing before the classifier: stop there when logits are not wanted.
        int stepCount = logits.IsEmpty ? jobs.Length - 1 : jobs.Length;
        for (int i = 0; i < stepCount; i++)
        {
            _pool.Run(jobs[i], jobs[i].TaskCount);
        }
        if (!features.IsEmpty)
        {
            Buffer(plan, plan.Features.Id).CopyTo(features);
        }
        if (!logits.IsEmpty)
        {
            Buffer(plan, plan.Logits.Id).CopyTo(logits);
        }
    }

    public void RunWithStages(ReadOnlySpan<float> input, int batch, StageObserver observer)
    {
        var plan = _plans[batch - 1];
        var jobs = _jobs[batch - 1];
        input.CopyTo(Buffer(plan, plan.Input.Id));
        for (int i = 0; i < jobs.Length; i++)
        {
            _pool.Run(jobs[i], jobs[i].TaskCount);
            var t = plan.Tensors[plan.Steps[i].Output];
            if (t.Stage is not null)
            {
                observer(t.Stage, t.Shape, Buffer(plan, t.Id));
            }
        }
    }

    public IReadOnlyList<StepTime> ProfileSteps(ReadOnlySpan<float> input, int batch, int runs)
    {
        var plan = _plans[batch - 1];
        var jobs = _jobs[batch - 1];
        var totals = new double[jobs.Length];
        for (int r = 0; r < runs; r++)
        {
            input.CopyTo(Buffer(plan, plan.Input.Id));
            for (int i = 0; i < jobs.Length; i++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                _pool.Run(jobs[i], jobs[i].TaskCount);
                totals[i] += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }
        return plan.Steps.Select((s, i) => new StepTime(s.Name, totals[i] / runs)).ToArray();
    }

    public void Dispose() => _pool.Dispose();
}
