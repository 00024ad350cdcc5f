namespace RexNet;

/// <summary>One plan step and the mean time it took.</summary>
public sealed record StepTime(string Step, double Milliseconds);

/// <summary>
/// What an engine runs on and what it holds, for logs and benchmark reports. Reading it is cheap and
/// safe from any thread; <see cref="ProfileSteps"/> runs the engine and so needs its owner's turn.
/// </summary>
public sealed class EngineDiagnostics
{
    private readonly RexNetEngine _engine;
    private readonly IInferenceBackend _backend;

    internal EngineDiagnostics(RexNetEngine engine, IInferenceBackend backend)
    {
        _engine = engine;
        _backend = backend;
    }

    public DeviceKind Device => _backend.Device;

    /// <summary>Why this device was chosen (for Auto) or requested.</summary>
    public string DeviceReason => _engine.DeviceReason;

    /// <summary>Device and library facts (e.g. gpu, compute_capability, nvrtc_version; simd, threads on the CPU).</summary>
    public IReadOnlyDictionary<string, string> DeviceProperties => _backend.DeviceProperties;

    /// <summary>Bytes of activation memory the engine preallocated.</summary>
    public long ArenaBytes => _backend.ArenaBytes;

    /// <summary>GPU memory the engine holds (activations, weights, workspaces); 0 on the CPU.</summary>
    public long DeviceMemoryBytes => _backend.DeviceMemoryBytes;

    /// <summary>GPU time of the last run, measured by CUDA events around the graph; null on the CPU.</summary>
    public double? LastRunDeviceMilliseconds => _backend.LastDeviceMilliseconds;

    /// <summary>Runs <paramref name="runs"/> times and returns the mean time of each plan step (CPU only).</summary>
    public IReadOnlyList<StepTime> ProfileSteps(ReadOnlySpan<float> input, int runs) => _engine.ProfileSteps(input, runs);
}
