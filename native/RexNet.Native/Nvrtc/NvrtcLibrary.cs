namespace RexNet.Native.Nvrtc;

/// <summary>Process-wide facts about the loaded NVRTC.</summary>
internal static unsafe class NvrtcLibrary
{
    public static Version Version()
    {
        NvrtcErrors.Check(NvrtcApi.nvrtcVersion(out int major, out int minor), "nvrtcVersion");
        return new Version(major, minor);
    }

    /// <summary>The real architectures (sm_XX) NVRTC can emit CUBIN for, ascending; null before NVRTC 11.2.</summary>
    public static IReadOnlyList<int>? SupportedArchs()
    {
        try
        {
            NvrtcErrors.Check(NvrtcApi.nvrtcGetNumSupportedArchs(out int count), "nvrtcGetNumSupportedArchs");
            var archs = new int[count];
            fixed (int* p = archs)
            {
                NvrtcErrors.Check(NvrtcApi.nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs");
            }
            Array.Sort(archs);
            return archs;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }
}
