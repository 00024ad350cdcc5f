using System.Runtime.InteropServices;
using System.Text;

namespace RexNet.CApi;

/// <summary>
/// rexnet_last_error(): each thread's message of its most recent call, as NUL-terminated UTF-8 in
/// native memory that stays put until that thread's next call. Successful calls reset it to "".
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static MessageBuffer? t_buffer;

    public static byte* Pointer => t_buffer is { } buffer ? buffer.Pointer : Utf8Strings.Empty;

    public static void Clear()
    {
        if (t_buffer is { } buffer)
        {
            buffer.Pointer[0] = 0;
        }
    }

    public static void Set(string message) => (t_buffer ??= new MessageBuffer()).Write(message);

    /// <summary>Native memory owned by one thread; freed by the finalizer once the thread has gone.</summary>
    private sealed class MessageBuffer
    {
        private const int MaxBytes = 4096;
        private nuint _capacity;

        public byte* Pointer { get; private set; }

        public void Write(string message)
        {
            int length = Math.Min(Encoding.UTF8.GetMaxByteCount(message.Length), MaxBytes - 1) + 1;
            if ((nuint)length > _capacity)
            {
                Pointer = (byte*)NativeMemory.Realloc(Pointer, (nuint)length);
                _capacity = (nuint)length;
            }
            var destination = new Span<byte>(Pointer, length - 1);
            Encoding.UTF8.GetEncoder().Convert(message, destination, flush: true, out _, out int written, out _);
            Pointer[written] = 0;
        }

        ~MessageBuffer() => NativeMemory.Free(Pointer);
    }
}
