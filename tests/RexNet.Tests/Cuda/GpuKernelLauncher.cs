using RexNet.Cuda;
using RexNet.Native.Driver;
using RexNet.Tests.Kernels;
using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Cuda;

/// <summary>
/// Runs an op test's launch on the GPU: each host buffer, guard zones included, is copied to a device
/// allocation, pointer arguments are rebased onto those copies, the kernel runs, and everything is copied
/// back, so the op test's own comparison and guard check apply unchanged. The stream is a blocking one, so
/// it is ordered with the synchronous copies on the legacy stream.
/// </summary>
internal sealed class GpuKernelLauncher : IKernelLauncher, IDisposable
{
    private readonly CudaContext _context;
    private readonly CudaStreamHandle _stream;
    private readonly DeviceKernels _kernels;

    public GpuKernelLauncher()
    {
        _context = CudaContext.Create(0);
        _stream = _context.CreateStream(CuStreamFlags.Default);
        _kernels = new DeviceKernels(_context, KernelCompiler.CreateDefault());
    }

    public void Launch(string kernel, Kernels.Emulation.Dim3 grid, Kernels.Emulation.Dim3 block, KernelArgs args)
    {
        lock (_kernels)
        {
            _context.MakeCurrent();
            var device = args.Buffers.Select(b => _context.Allocate((long)b.WithGuards.Length * sizeof(float))).ToArray();
            try
            {
                for (int i = 0; i < device.Length; i++)
                {
                    device[i].CopyFrom<float>(args.Buffers[i].WithGuards);
                }
                Span<ulong> storage = stackalloc ulong[32];
                var arguments = new KernelArguments(storage);
                for (int i = 0; i < args.Count; i++)
                {
                    ulong value = args.Value(i);
                    arguments.Add(args.Signature[i] == 'p' && value != 0 ? Rebase(value, args.Buffers, device) : value);
                }
                _kernels[kernel].Launch(new(grid.X, grid.Y, grid.Z), new(block.X, block.Y, block.Z), 0, _stream, in arguments);
                _stream.Synchronize();
                for (int i = 0; i < device.Length; i++)
                {
                    device[i].CopyTo<float>(args.Buffers[i].WithGuards);
                }
            }
            finally
            {
                foreach (var d in device)
                {
                    d.Dispose();
                }
            }
        }
        foreach (var buffer in args.Buffers)
        {
            buffer.CheckGuards(kernel + " (GPU)");
        }
    }

    /// <summary>Host pointer into buffer i (past its front guard) to the same place in device copy i.</summary>
    private static ulong Rebase(ulong host, IReadOnlyList<EmuBuffer> buffers, DeviceMemoryHandle[] device)
    {
        for (int i = 0; i < buffers.Count; i++)
        {
            ulong start = (ulong)buffers[i].Pointer;
            if (host >= start && host <= start + (ulong)buffers[i].Length * sizeof(float))
            {
                return device[i].Pointer + EmuBuffer.GuardFloats * sizeof(float) + (host - start);
            }
        }
        throw new InvalidOperationException($"kernel pointer argument 0x{host:x} is in no buffer passed to the launch");
    }

    public void Dispose()
    {
        _kernels.Dispose();
        _stream.Dispose();
        _context.Dispose();
    }
}
