namespace RexNet.Cuda;

/// <summary>The two device allocations an engine owns: the arena (activations, then scratch) and the packed weights.</summary>
internal enum DeviceRegion { Arena, Weights }

/// <summary>A position inside one of the engine's allocations, in 4-byte words; resolved to a CUdeviceptr at launch.</summary>
internal readonly record struct DeviceRef(DeviceRegion Region, long Offset)
{
    public override string ToString() => $"{Region}+{Offset}";
}
