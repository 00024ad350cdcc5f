using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cpu;

/// <summary>
/// Interprets a <see cref="Plan"/> on the CPU: its steps are grouped into fused steps
/// (<see cref="CpuSchedule"/>), whose tensors live channels-last in one arena (<see cref="CpuArena"/>), and
/// run as jobs on one worker pool. Plans for every batch size up to MaxBatch share the arena (sizes grow
/// linearly with batch, so the max-batch layout fits all). Weights are packed and everything is allocated
/// when the backend is created; runs allocate nothing.
/// </summary>
internal sealed class CpuBackend : IInferenceBackend
{
    private readonly Plan[] _plans;
    private readonly IReadOnlyList<FusedStep>[] _schedules;
    private readonly CpuJob[][] _jobs;
    private readonly CpuArena _arena;
    private readonly WorkerPool _pool;
    private readonly float[] _stage;

    public DeviceKind Device => DeviceKind.Cpu;

    internal WorkerPool Pool => _pool;

    /// <summary>Bytes of activation memory the arena holds.</summary>
    public long ArenaBytes => _arena.Bytes;

    public long DeviceMemoryBytes => 0;

    public double? LastDeviceMilliseconds => null;

    public IReadOnlyDictionary<string, string> DeviceProperties { get; }

    public CpuBackend(FoldedModel model, EngineOptions options, VectorIsa? isa = null)
    {
        var vectorIsa = isa ?? VectorIsas.Best;
        int workers = options.Threads ?? Environment.ProcessorCount;
        _plans = Enumerable.Range(1, options.MaxBatch).Select(b => Plan.Build(model, b, options.Height, options.Width)).ToArray();
        _schedules = _plans.Select(CpuSchedule.Fuse).ToArray();
        var maxPlan = _plans[^1];
        _arena = new CpuArena(maxPlan, _schedules[^1], vectorIsa);
        _pool = new WorkerPool(workers);
        DeviceProperties = new Dictionary<string, string>
        {
            ["simd"] = vectorIsa.ToString(),
            ["threads"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["logical_cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["architecture"] = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(),
        };
        var jobs = new CpuJobs(_schedules[^1], vectorIsa);
        var zeros = new AlignedFloats(jobs.ZeroRowLength(maxPlan, _schedules[^1], _arena));
        var scratch = Enumerable.Range(0, workers).Select(_ => new AlignedFloats(jobs.ScratchLength(maxPlan, _schedules[^1]))).ToArray();
        _jobs = _plans.Select((p, i) =>
        {
            var compiled = jobs.Compile(p, _schedules[i], _arena, zeros, workers);
            foreach (var j in compiled)
            {
                j.Scratch = scratch;
            }
            return compiled;
        }).ToArray();
        _stage = new float[maxPlan.Tensors.Where(t => t.Stage is not null).Max(t => t.Shape.Count)];
    }

    public void Run(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> features)
    {
        var plan = _plans[batch - 1];
        var jobs = _jobs[batch - 1];
        input.CopyTo(_arena.Slot(plan.Input.Id).Span);
        // Features are the last thing before the classifier: stop there when logits are not wanted.
        int count = logits.IsEmpty ? jobs.Length - 1 : jobs.Length;
        for (int i = 0; i < count; i++)
        {
            _pool.Run(jobs[i], jobs[i].TaskCount);
        }
        if (!features.IsEmpty)
        {
            CopyOut(plan.Features, features);
        }
        if (!logits.IsEmpty)
        {
            CopyOut(plan.Logits, logits);
        }
    }

    public void RunWithStages(ReadOnlySpan<float> input, int batch, StageObserver observer)
    {
        var plan = _plans[batch - 1];
        var jobs = _jobs[batch - 1];
        var schedule = _schedules[batch - 1];
        input.CopyTo(_arena.Slot(plan.Input.Id).Span);
        for (int i = 0; i < jobs.Length; i++)
        {
            _pool.Run(jobs[i], jobs[i].TaskCount);
            foreach (var step in schedule[i].Steps)
            {
                var t = plan.Tensors[step.Output];
                if (t.Stage is not null && _arena.Tensors.ContainsKey(t.Id))
                {
                    var values = _stage.AsSpan(0, t.Shape.Count);
                    CopyOut(t, values);
                    observer(t.Stage, t.Shape, values);
                }
            }
        }
    }

    /// <summary>Per fused step (the CPU's unit of work), the mean milliseconds over <paramref name="runs"/> runs.</summary>
    public IReadOnlyList<StepTime> ProfileSteps(ReadOnlySpan<float> input, int batch, int runs)
    {
        var plan = _plans[batch - 1];
        var jobs = _jobs[batch - 1];
        var totals = new double[jobs.Length];
        for (int r = 0; r < runs; r++)
        {
            input.CopyTo(_arena.Slot(plan.Input.Id).Span);
            for (int i = 0; i < jobs.Length; i++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                _pool.Run(jobs[i], jobs[i].TaskCount);
                totals[i] += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
        }
        return jobs.Select((j, i) => new StepTime(j.Name, totals[i] / runs)).ToArray();
    }

    /// <summary>A tensor in the plan's NCHW layout.</summary>
    private void CopyOut(PlanTensor t, Span<float> destination)
    {
        var s = t.Shape;
        ChannelsLast.ToNchw(_arena.Slot(t.Id).Span, s.N, s.C, s.H, s.W, _arena.Pitch(t.Id), destination[..s.Count]);
    }

    public void Dispose() => _pool.Dispose();
}
