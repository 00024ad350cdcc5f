using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.Tests.Kernels.Emulation;

/// <summary>
/// Launches kernels/*.cu entry points on the CPU through librexnet_kernel_emu.so (see cuda_host_shim.h),
/// then checks the guard zones of every buffer passed. Launches are serialised inside the library.
/// </summary>
internal static unsafe class KernelEmulator
{
    private static readonly Lazy<IntPtr> LaunchEntry = new(Load);

    public static void Launch(string kernel, Dim3 grid, Dim3 block, KernelArgs args, Schedule schedule = Schedule.Forward)
    {
        var launch = (delegate* unmanaged<byte*, byte*, uint*, uint*, void**, int, byte*, int, int>)LaunchEntry.Value;
        byte[] name = Encoding.ASCII.GetBytes(kernel + "\0");
        byte[] signature = Encoding.ASCII.GetBytes(args.Signature + "\0");
        uint* g = stackalloc uint[] { grid.X, grid.Y, grid.Z };
        uint* b = stackalloc uint[] { block.X, block.Y, block.Z };
        byte[] error = new byte[2048];
        int status;
        fixed (byte* n = name, s = signature, e = error)
        {
            status = launch(n, s, g, b, args.Pointers, schedule == Schedule.Reverse ? 1 : 0, e, error.Length);
        }
        if (status != 0)
        {
            string message = Encoding.UTF8.GetString(error, 0, Math.Max(0, Array.IndexOf(error, (byte)0)));
            throw new KernelEmulationException($"{kernel} grid {grid} block {block} ({schedule}): {message}");
        }
        foreach (var buffer in args.Buffers)
        {
            buffer.CheckGuards(kernel);
        }
    }

    private static IntPtr Load() =>
        NativeLibrary.GetExport(NativeLibrary.Load(EmulatorBuild.EnsureBuilt()), "rexnet_emu_launch");
}
