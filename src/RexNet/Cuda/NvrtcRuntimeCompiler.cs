using RexNet.Native.Nvrtc;

namespace RexNet.Cuda;

/// <summary>NVRTC, loaded through RexNet.Native's library discovery.</summary>
internal sealed class NvrtcRuntimeCompiler : IRuntimeCompiler
{
    private readonly Lazy<Version> _version = new(NvrtcLibrary.Version);
    private readonly Lazy<IReadOnlyList<int>?> _archs = new(NvrtcLibrary.SupportedArchs);

    public Version Version => _version.Value;

    public IReadOnlyList<int>? SupportedArchs => _archs.Value;

    public RuntimeCompileResult Compile(KernelSource source, IReadOnlyList<KernelSource> headers, IReadOnlyList<string> options, bool wantCubin)
    {
        using var program = new NvrtcProgram(source.Text, source.Name, headers.Select(h => KeyValuePair.Create(h.Name, h.Text)).ToArray());
        bool ok = program.Compile(options);
        string log = program.Log();
        if (!ok)
        {
            return new RuntimeCompileResult(false, [], log);
        }
        return new RuntimeCompileResult(true, wantCubin ? program.Cubin() : program.Ptx(), log);
    }
}
