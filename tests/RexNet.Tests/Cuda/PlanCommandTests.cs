using System.Text.Json;
using RexNet.Cli;
using RexNet.Model;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cuda;

/// <summary>`rexnet plan`: the recorded ops of a backend, as JSON and as a table, with no GPU involved.</summary>
public sealed class PlanCommandTests
{
    private static JsonElement PlanJson(params string[] args)
    {
        var r = CliRunner.Run(["plan", .. args, "--json"]);
        Assert.True(r.ExitCode == ExitCodes.Ok, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    [Fact]
    public void Cuda_plan_of_rexnet_100_at_batch_1_lists_at_most_52_kernel_launches()
    {
        var plan = PlanJson("--model", "rexnet_100", "--batch", "1", "--device", "cuda");
        Assert.Equal("rexnet_100", plan.GetProperty("model").GetString());
        Assert.Equal(1, plan.GetProperty("batch").GetInt32());
        Assert.Equal("cuda", plan.GetProperty("device").GetString());
        Assert.Equal("kernels", plan.GetProperty("gemm").GetString());
        Assert.True(plan.GetProperty("arena_bytes").GetInt64() > 0);
        // rexnet_100 has 4.8 M parameters; folding BatchNorm leaves about 4.7 M floats.
        Assert.InRange(plan.GetProperty("weight_bytes").GetInt64(), 4_500_000 * 4L, 5_000_000 * 4L);
        var ops = plan.GetProperty("ops").EnumerateArray().ToArray();
        Assert.InRange(ops.Length, 1, CudaPlanRecorderTests.MaxDeviceOps);
        foreach (var op in ops)
        {
            Assert.Equal("kernel", op.GetProperty("kind").GetString());
            Assert.StartsWith("rexnet_", op.GetProperty("kernel").GetString());
            Assert.Equal(3, op.GetProperty("grid").GetArrayLength());
            Assert.Equal(3, op.GetProperty("block").GetArrayLength());
            Assert.True(op.GetProperty("bytes").GetInt64() > 0);
            Assert.False(string.IsNullOrEmpty(op.GetProperty("name").GetString()));
        }
        Assert.Equal("stem", ops[0].GetProperty("name").GetString());
        Assert.Equal("head.fc", ops[^1].GetProperty("name").GetString());
    }

    [Fact]
    public void Cublas_plan_has_a_gemm_and_an_epilogue_per_1x1_conv_and_a_gate_launch_per_se_block()
    {
        var spec = ModelSpec.FromZoo("rexnet_100");
        var ops = PlanJson("--device", "cuda", "--gemm", "cublas", "--batch", "2", "--height", "96", "--width", "64").GetProperty("ops").EnumerateArray().ToArray();
        int pointwise = spec.Blocks.Count(b => b.HasExpand) + spec.Blocks.Count + 2;
        Assert.Equal(pointwise, ops.Count(o => o.GetProperty("kind").GetString() == "gemm"));
        Assert.Equal(pointwise, ops.Count(o => o.GetProperty("kernel").GetString() == "rexnet_gemm_epilogue"));
        Assert.Equal(spec.Blocks.Count(b => b.HasSe), ops.Count(o => o.GetProperty("kernel").GetString() == "rexnet_scale_relu6"));
        Assert.All(ops.Where(o => o.GetProperty("kind").GetString() == "gemm"), o => Assert.Equal(JsonValueKind.Null, o.GetProperty("grid").ValueKind));
    }

    [Fact]
    public void Cpu_plan_lists_the_plan_steps()
    {
        var spec = ModelSpec.FromZoo("rexnetr_100");
        var plan = PlanJson("--model", "rexnetr_100", "--device", "cpu", "--batch", "3", "--size", "64");
        var ops = plan.GetProperty("ops").EnumerateArray().ToArray();
        var expected = Plan.Build(RexNet.Weights.RandomInit.CreateFolded(spec, 0), 3, 64, 64);
        Assert.Equal(expected.Steps.Select(s => s.Name), ops.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal(expected.ArenaBytes, plan.GetProperty("arena_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Null, plan.GetProperty("gemm").ValueKind);
        Assert.Contains(ops, o => o.GetProperty("kind").GetString() == "se_excite");
    }

    [Fact]
    public void Table_has_a_summary_line_a_header_and_one_row_per_op()
    {
        var r = CliRunner.Run("plan", "--model", "rexnet_100");
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rexnet_100 batch 1 224x224 on cuda (gemm kernels): ", lines[0]);
        int ops = PlanJson("--model", "rexnet_100").GetProperty("ops").GetArrayLength();
        Assert.Contains($": {ops} ops, arena ", lines[0]);
        Assert.Equal(ops + 2, lines.Length);
        Assert.Contains("rexnet_pointwise", r.Stdout);
    }

    [Theory]
    [InlineData("--device", "auto")]
    [InlineData("--batch", "0")]
    [InlineData("--gemm", "tf32")]
    [InlineData("--height", "16")]
    public void Bad_flags_are_usage_errors(string flag, string value)
    {
        var r = CliRunner.Run("plan", flag, value);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.StartsWith("rexnet plan: ", r.StderrLines[0]);
    }

    [Fact]
    public void Unknown_model_is_a_usage_error()
    {
        var r = CliRunner.Run("plan", "--model", "resnet50");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.StartsWith("rexnet plan: unknown model 'resnet50'", r.StderrLines[0]);
    }
}
