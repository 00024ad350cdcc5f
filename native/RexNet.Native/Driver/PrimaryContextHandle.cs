using System.Runtime.InteropServices;

namespace RexNet.Native.Driver;

/// <summary>One retain of a device's primary context; releasing it drops the retain count.</summary>
internal sealed class PrimaryContextHandle : SafeHandle
{
    public int Device { get; }

    internal PrimaryContextHandle(int device) : base(IntPtr.Zero, ownsHandle: true) => Device = device;

    public override bool IsInvalid => handle == IntPtr.Zero;

    internal void Attach(IntPtr context) => SetHandle(context);

    protected override bool ReleaseHandle() => CuDriver.cuDevicePrimaryCtxRelease_v2(Device) == CuResult.CUDA_SUCCESS;
}
