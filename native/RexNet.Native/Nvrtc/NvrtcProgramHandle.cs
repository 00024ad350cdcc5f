using System.Runtime.InteropServices;

namespace RexNet.Native.Nvrtc;

/// <summary>An nvrtcProgram; needs no GPU and no context.</summary>
internal sealed class NvrtcProgramHandle : SafeHandle
{
    internal NvrtcProgramHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal void Attach(IntPtr program) => SetHandle(program);

    protected override bool ReleaseHandle()
    {
        IntPtr program = handle;
        return NvrtcApi.nvrtcDestroyProgram(ref program) == NvrtcResult.NVRTC_SUCCESS;
    }
}
