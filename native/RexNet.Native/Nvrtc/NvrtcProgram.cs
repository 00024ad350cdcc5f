using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.Native.Nvrtc;

/// <summary>
/// One NVRTC compilation unit: source plus in-memory headers, compiled with a list of options.
/// A compile error is an outcome, not an exception: <see cref="Compile"/> returns false and the log
/// says why. Every other failing status throws.
/// </summary>
internal sealed unsafe class NvrtcProgram : IDisposable
{
    private readonly NvrtcProgramHandle _handle;

    /// <param name="source">The CUDA C++ source to compile.</param>
    /// <param name="name">The program's name in NVRTC's log and line directives.</param>
    /// <param name="headers">Include name (as written in #include "...") to header text.</param>
    public NvrtcProgram(string source, string name, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        _handle = new NvrtcProgramHandle();
        using var strings = new Utf8Strings();
        byte* src = strings.Add(source);
        byte* nm = strings.Add(name);
        byte** contents = stackalloc byte*[Math.Max(1, headers.Count)];
        byte** includeNames = stackalloc byte*[Math.Max(1, headers.Count)];
        for (int i = 0; i < headers.Count; i++)
        {
            contents[i] = strings.Add(headers[i].Value);
            includeNames[i] = strings.Add(headers[i].Key);
        }
        NvrtcErrors.Check(NvrtcApi.nvrtcCreateProgram(out IntPtr raw, src, nm, headers.Count, contents, includeNames), "nvrtcCreateProgram", name);
        _handle.Attach(raw);
    }

    /// <summary>Registers a C++ name (a template instantiation) whose mangled name is wanted after compiling.</summary>
    public void AddNameExpression(string expression) =>
        NvrtcErrors.Check(NvrtcApi.nvrtcAddNameExpression(_handle, expression), "nvrtcAddNameExpression", expression);

    public string GetLoweredName(string expression)
    {
        NvrtcErrors.Check(NvrtcApi.nvrtcGetLoweredName(_handle, expression, out IntPtr lowered), "nvrtcGetLoweredName", expression);
        return Marshal.PtrToStringUTF8(lowered) ?? "";
    }

    /// <summary>Compiles; false when the source has errors (read <see cref="Log"/>).</summary>
    public bool Compile(IReadOnlyList<string> options)
    {
        using var strings = new Utf8Strings();
        byte** opts = stackalloc byte*[Math.Max(1, options.Count)];
        for (int i = 0; i < options.Count; i++)
        {
            opts[i] = strings.Add(options[i]);
        }
        var result = NvrtcApi.nvrtcCompileProgram(_handle, options.Count, opts);
        if (result == NvrtcResult.NVRTC_ERROR_COMPILATION)
        {
            return false;
        }
        NvrtcErrors.Check(result, "nvrtcCompileProgram", result == NvrtcResult.NVRTC_ERROR_INVALID_OPTION ? $"options: {string.Join(' ', options)}; log: {Log().Trim()}" : null);
        return true;
    }

    public string Log()
    {
        NvrtcErrors.Check(NvrtcApi.nvrtcGetProgramLogSize(_handle, out nuint size), "nvrtcGetProgramLogSize");
        var buffer = new byte[(int)size + 1];
        fixed (byte* p = buffer)
        {
            NvrtcErrors.Check(NvrtcApi.nvrtcGetProgramLog(_handle, p), "nvrtcGetProgramLog");
        }
        return Encoding.UTF8.GetString(buffer).TrimEnd('\0');
    }

    /// <summary>The PTX text, including its terminating NUL (as cuModuleLoadData wants it).</summary>
    public byte[] Ptx()
    {
        NvrtcErrors.Check(NvrtcApi.nvrtcGetPTXSize(_handle, out nuint size), "nvrtcGetPTXSize");
        var buffer = new byte[(int)size];
        fixed (byte* p = buffer)
        {
            NvrtcErrors.Check(NvrtcApi.nvrtcGetPTX(_handle, p), "nvrtcGetPTX");
        }
        return buffer;
    }

    /// <summary>The CUBIN; empty when the program was compiled for a virtual architecture (compute_XX).</summary>
    public byte[] Cubin()
    {
        NvrtcErrors.Check(NvrtcApi.nvrtcGetCUBINSize(_handle, out nuint size), "nvrtcGetCUBINSize");
        var buffer = new byte[(int)size];
        if (buffer.Length > 0)
        {
            fixed (byte* p = buffer)
            {
                NvrtcErrors.Check(NvrtcApi.nvrtcGetCUBIN(_handle, p), "nvrtcGetCUBIN");
            }
        }
        return buffer;
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>NUL-terminated UTF-8 copies that stay pinned until disposed.</summary>
    private sealed class Utf8Strings : IDisposable
    {
        private readonly List<IntPtr> _allocations = [];

        public byte* Add(string text)
        {
            IntPtr p = Marshal.StringToCoTaskMemUTF8(text);
            _allocations.Add(p);
            return (byte*)p;
        }

        public void Dispose()
        {
            foreach (var p in _allocations)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }
}
