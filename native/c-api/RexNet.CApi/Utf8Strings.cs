using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.CApi;

/// <summary>C strings in and out: arguments are read as UTF-8; strings handed out live in native
/// memory that the C API owns and frees (never the caller).</summary>
internal static unsafe class Utf8Strings
{
    /// <summary>"" in the image's read-only data, which never moves.</summary>
    public static byte* Empty => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference("\0"u8));

    /// <summary>The argument as a string; null stays null so that callers can say which argument was NULL.</summary>
    public static string? Read(byte* text) => text is null ? null : Marshal.PtrToStringUTF8((nint)text);

    public static string Require(byte* text, string argument) =>
        Read(text) ?? throw new RexNetException(RexNetErrorCode.InvalidArgument, $"{argument} is NULL");

    /// <summary>A NUL-terminated UTF-8 copy in native memory; release it with <see cref="Free"/>.</summary>
    public static byte* Allocate(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var copy = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(copy, length));
        copy[length] = 0;
        return copy;
    }

    public static void Free(byte* text) => NativeMemory.Free(text);
}
