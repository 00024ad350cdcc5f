namespace RexNet.Cli.Reports;

/// <summary>`rexnet plan`: the ops one backend records for a model, batch and input size.</summary>
internal sealed record PlanReport(string Model, int Batch, int Height, int Width, string Device, string? Gemm, IReadOnlyList<PlanOp> Ops,
    long ArenaBytes, long WeightBytes)
{
    public static PlanReport Of(PlanDescription p) => new(p.Model, p.Batch, p.Height, p.Width, p.Device.ToString().ToLowerInvariant(),
        p.Gemm?.ToString().ToLowerInvariant(), p.Ops, p.ArenaBytes, p.WeightBytes);
}
