using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Kernels;

/// <summary>
/// The emulation's honesty: each deliberately broken kernel in tests/kernel-emulation/selftest must be
/// exposed, by a wrong answer in at least one schedule or by a launch error, while the correct twin passes.
/// </summary>
public sealed class EmulationSelfTests
{
    private const int N = 100;
    private static readonly float[] Input = KernelTestData.Uniform("selftest", N, 1f, 2f);

    private static float[] Run(string kernel, int outputs, int threads, Schedule schedule)
    {
        using var x = EmuBuffer.From("x", Input);
        using var y = EmuBuffer.Output("y", outputs);
        using var args = new KernelArgs().Buffer(x).Buffer(y).Int(Math.Min(N, threads));
        KernelEmulator.Launch(kernel, new Dim3(1), new Dim3((uint)threads), args, schedule);
        return y.ToArray();
    }

    private static float Sum(int count) => Input.Take(count).Sum();

    [Theory]
    [InlineData(Schedule.Forward)]
    [InlineData(Schedule.Reverse)]
    public void Correct_block_reduction_passes_under_both_schedules(Schedule schedule) =>
        Assert.Equal(Sum(N), Run("selftest_sum_with_barrier", 1, 128, schedule)[0], 4);

    [Fact]
    public void Missing_barrier_before_a_reduction_is_exposed()
    {
        // Forward runs thread 0 first: it sums shared memory nobody else has written yet (poison, NaN).
        Assert.True(float.IsNaN(Run("selftest_sum_missing_barrier", 1, 128, Schedule.Forward)[0]));
    }

    [Fact]
    public void Missing_barrier_before_a_neighbour_read_needs_the_reverse_schedule()
    {
        float[] forward = Run("selftest_shift_missing_barrier", N, 128, Schedule.Forward);
        float[] reverse = Run("selftest_shift_missing_barrier", N, 128, Schedule.Reverse);
        Assert.Equal(Input[0], forward[1]); // lower threads ran first: the bug hides
        Assert.True(float.IsNaN(reverse[1])); // higher threads ran first: it shows
    }

    [Theory]
    [InlineData(Schedule.Forward)]
    [InlineData(Schedule.Reverse)]
    public void Warp_synchronous_code_without_syncwarp_is_exposed(Schedule schedule)
    {
        float got = Run("selftest_warp_lockstep_sum", 1, 32, schedule)[0];
        Assert.NotEqual(Sum(32), got, 3);
    }

    [Fact]
    public void Barrier_after_an_early_exit_fails_the_launch()
    {
        var e = Assert.Throws<KernelEmulationException>(() => Run("selftest_barrier_after_exit", N, 128, Schedule.Forward));
        Assert.Contains("has exited", e.Message);
    }

    [Fact]
    public void Full_mask_shuffle_in_a_partial_warp_fails_the_launch()
    {
        var e = Assert.Throws<KernelEmulationException>(() => Run("selftest_full_mask_partial_warp", 48, 48, Schedule.Forward));
        Assert.Contains("only 48 threads", e.Message);
    }

    [Fact]
    public void Shuffle_reading_a_lane_outside_its_mask_fails_the_launch()
    {
        var e = Assert.Throws<KernelEmulationException>(() => Run("selftest_shuffle_outside_mask", 32, 32, Schedule.Forward));
        Assert.Contains("not in mask", e.Message);
    }

    [Fact]
    public void Write_past_the_end_of_a_buffer_is_reported()
    {
        var e = Assert.Throws<KernelEmulationException>(() => Run("selftest_off_by_one_write", N, 128, Schedule.Forward));
        Assert.Contains($"wrote past buffer 'y' of {N} elements (element {N})", e.Message);
    }

    [Fact]
    public void Invalid_launches_and_argument_lists_are_refused()
    {
        using var x = EmuBuffer.From("x", Input);
        using var wrongArgs = new KernelArgs().Buffer(x).Int(1);
        var e = Assert.Throws<KernelEmulationException>(() =>
            KernelEmulator.Launch("selftest_sum_with_barrier", new Dim3(1), new Dim3(32), wrongArgs));
        Assert.Contains("takes arguments (ppi) but the caller passed (pi)", e.Message);

        using var y = EmuBuffer.Output("y", 1);
        using var args = new KernelArgs().Buffer(x).Buffer(y).Int(N);
        e = Assert.Throws<KernelEmulationException>(() => KernelEmulator.Launch("selftest_sum_with_barrier", new Dim3(1), new Dim3(1025), args));
        Assert.Contains("not a valid CUDA block", e.Message);
        e = Assert.Throws<KernelEmulationException>(() => KernelEmulator.Launch("no_such_kernel", new Dim3(1), new Dim3(32), args));
        Assert.Contains("no emulated kernel named no_such_kernel", e.Message);
    }
}
