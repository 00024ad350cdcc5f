namespace RexNet.Cpu;

/// <summary>
/// A fused step bound to the backend's arena and cut into tasks (<see cref="TaskSplit"/>). Built once per
/// (plan, arena); running it allocates nothing.
/// </summary>
internal abstract class CpuJob(string name, int taskCount) : IParallelJob
{
    public string Name { get; } = name;
    public int TaskCount { get; } = taskCount;

    /// <summary>Per-worker scratch, at least <see cref="CpuJobs.ScratchLength"/> floats each.</summary>
    public AlignedFloats[] Scratch { get; set; } = [];

    public abstract void Execute(int task, int worker);
}
