using System.Runtime.InteropServices;

namespace RexNet.CApi;

/// <summary>rexnet_options, field for field (rexnet.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct COptions
{
    public nuint Size;
    public byte* Model;
    public byte* WeightsPath;
    public byte* Device;
    public int MaxBatch;
    public int Height;
    public int Width;
    public int Threads;
    public int ApplyExifOrientation;
}

/// <summary>rexnet_prediction, field for field (rexnet.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CPrediction
{
    public int ClassIndex;
    public float Probability;
    public byte* Synset;
    public byte* Label;
}
