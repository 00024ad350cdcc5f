using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cuda;

/// <summary>
/// Everything the CUDA backend will run for one model, input size and largest batch, made without a GPU:
/// the plan and device program per batch size, the arena and weight layouts they share, and the recorded
/// device ops per batch size. The backend binds these to device pointers; `rexnet plan` prints them; tests
/// execute them on the CPU.
/// </summary>
internal sealed class CudaPlan
{
    public IReadOnlyList<DeviceProgram> Programs { get; }
    public DeviceArena Arena { get; }
    public DeviceWeightLayout Weights { get; }

    /// <summary>Ops per batch size (index batch - 1), per device step.</summary>
    public IReadOnlyList<DeviceOp[][]> Ops { get; }

    private CudaPlan(IReadOnlyList<DeviceProgram> programs)
    {
        Programs = programs;
        Arena = new DeviceArena(programs);
        Weights = new DeviceWeightLayout(programs[^1]);
        Ops = programs.Select(p => CudaPlanRecorder.Record(p, Arena, Weights)).ToArray();
    }

    public static CudaPlan Create(FoldedModel model, int maxBatch, int height, int width, CudaGemm gemm) =>
        new(Enumerable.Range(1, maxBatch).Select(b => DeviceProgram.Build(Plan.Build(model, b, height, width), gemm)).ToArray());

    public DeviceProgram ProgramFor(int batch) => Programs[batch - 1];
}
