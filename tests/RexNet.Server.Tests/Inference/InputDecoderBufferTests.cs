using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using RexNet.Imaging;
using RexNet.Server.Grpc;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Inference;
using RexNet.Server.Rest;

namespace RexNet.Server.Tests.Inference;

/// <summary>
/// Where a request's pixels live: raw FP32 is read in place, anything converted goes into an array rented from
/// the pool, which goes back exactly once: when the batch is disposed, or at once when decoding fails.
/// </summary>
public sealed class InputDecoderBufferTests
{
    private static readonly ServedModel Model = new()
    {
        Name = "m", ModelId = "rexnet_100", Height = 2, Width = 2, NumClasses = 3, Labels = null,
        Preprocess = new PreprocessOptions { Height = 2, Width = 2 }, Device = DeviceKind.Cpu, DeviceReason = "test", MaxBatch = 4,
    };

    private const int Per = 3 * 2 * 2;

    /// <summary>Counts what is rented and returned, and remembers which arrays are out.</summary>
    private sealed class CountingPool : ArrayPool<float>
    {
        private readonly HashSet<float[]> _out = new(ReferenceEqualityComparer.Instance);
        public int Rented { get; private set; }
        public int Returned { get; private set; }

        public override float[] Rent(int minimumLength)
        {
            Rented++;
            // Larger than asked, as the shared pool's are: the batch must use only its own elements.
            var array = new float[minimumLength + 5];
            _out.Add(array);
            return array;
        }

        public override void Return(float[] array, bool clearArray = false)
        {
            Assert.True(_out.Remove(array), "an array went back that was not out (or went back twice)");
            Returned++;
        }
    }

    private static float[] Pixels(int images) => Enumerable.Range(0, images * Per).Select(i => i * 0.5f - 3).ToArray();

    private static InputTensor Tensor(ITensorPayload payload, int images) => new("input", "FP32", [images, 3, 2, 2], payload);

    [Fact]
    public void A_shape_past_what_one_array_holds_is_a_bad_request_and_rents_nothing()
    {
        var pool = new CountingPool();
        using var document = JsonDocument.Parse("[0]");
        var huge = new InputTensor("input", "FP32", [180_000_000, 3, 2, 2], new JsonPayload(document.RootElement));
        var e = Assert.Throws<InferenceException>(() => InputDecoder.Decode([huge], Model, maxImages: 200_000_000, pool));
        Assert.Equal(InferenceStatus.BadRequest, e.Status);
        Assert.Contains("more than one request can carry", e.Message);
        Assert.Equal(0, pool.Rented);
    }

    [Fact]
    public void Raw_fp32_is_read_in_place_and_nothing_is_rented()
    {
        var pool = new CountingPool();
        byte[] body = MemoryMarshal.AsBytes(Pixels(2).AsSpan()).ToArray();
        using (var batch = InputDecoder.Decode([Tensor(new RawPayload(body), 2)], Model, maxImages: 4, pool))
        {
            Assert.Equal(2, batch.Count);
            Assert.Equal(Pixels(2), batch.Pixels.ToArray());
            // The same memory as the request's bytes, not a copy.
            body[0] ^= 0x01;
            Assert.Equal(BitConverter.ToSingle(body, 0), batch.Pixels.Span[0]);
        }
        Assert.Equal(0, pool.Rented);
    }

    [Fact]
    public void Raw_fp32_at_an_odd_offset_of_a_body_is_read_in_place()
    {
        // A binary REST body puts the tensor right after a JSON header of any length.
        var pool = new CountingPool();
        byte[] body = [0x7b, .. MemoryMarshal.AsBytes(Pixels(1).AsSpan())];
        using var batch = InputDecoder.Decode([Tensor(new RawPayload(body.AsMemory(1)), 1)], Model, maxImages: 4, pool);
        Assert.Equal(Pixels(1), batch.Pixels.ToArray());
        // Pinning (as a device copy does) points at the body's own bytes.
        using var pin = batch.Pixels[1..].Pin();
        unsafe
        {
            Assert.Equal(Pixels(1)[1], *(float*)pin.Pointer);
            fixed (byte* start = body)
            {
                Assert.Equal((nint)(start + 1 + sizeof(float)), (nint)pin.Pointer);
            }
        }
    }

    [Fact]
    public void Json_data_goes_into_a_rented_array_that_goes_back_on_dispose()
    {
        var pool = new CountingPool();
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(Pixels(1)));
        var batch = InputDecoder.Decode([Tensor(new JsonPayload(document.RootElement), 1)], Model, maxImages: 4, pool);
        Assert.Equal(Pixels(1), batch.Pixels.ToArray());
        Assert.Equal((1, 0), (pool.Rented, pool.Returned));
        batch.Dispose();
        batch.Dispose();
        Assert.Equal((1, 1), (pool.Rented, pool.Returned));
    }

    [Fact]
    public void Json_data_that_fails_to_decode_gives_its_array_back_before_the_error_leaves()
    {
        var pool = new CountingPool();
        using var document = JsonDocument.Parse("[" + string.Join(",", Enumerable.Repeat("1", Per - 1)) + ",\"x\"]");
        var error = Assert.Throws<InferenceException>(() =>
            InputDecoder.Decode([Tensor(new JsonPayload(document.RootElement), 1)], Model, maxImages: 4, pool));
        Assert.Equal(InferenceStatus.BadRequest, error.Status);
        Assert.Equal((1, 1), (pool.Rented, pool.Returned));
    }

    [Fact]
    public void Typed_grpc_contents_that_fail_to_decode_give_their_array_back()
    {
        var pool = new CountingPool();
        var contents = new InferTensorContents();
        contents.Fp32Contents.AddRange(Pixels(1));
        contents.Fp32Contents[3] = float.NaN;
        var error = Assert.Throws<InferenceException>(() =>
            InputDecoder.Decode([Tensor(new GrpcPayload(contents), 1)], Model, maxImages: 4, pool));
        Assert.Contains("element 3 is not a finite FP32 value", error.Message);
        Assert.Equal((1, 1), (pool.Rented, pool.Returned));
    }

    [Fact]
    public void Undecodable_images_give_their_array_back()
    {
        var pool = new CountingPool();
        byte[] notAnImage = [4, 0, 0, 0, 1, 2, 3, 4];
        var error = Assert.Throws<InferenceException>(() =>
            InputDecoder.Decode([new InputTensor("image", "BYTES", [1], new RawPayload(notAnImage))], Model, maxImages: 4, pool));
        Assert.Equal(InferenceStatus.BadRequest, error.Status);
        Assert.Equal((1, 1), (pool.Rented, pool.Returned));
    }

    [Fact]
    public void A_shape_refused_before_decoding_rents_nothing()
    {
        var pool = new CountingPool();
        byte[] body = MemoryMarshal.AsBytes(Pixels(1).AsSpan()).ToArray();
        Assert.Throws<InferenceException>(() => InputDecoder.Decode([Tensor(new RawPayload(body), 2)], Model, maxImages: 4, pool));
        using var document = JsonDocument.Parse("[1]");
        Assert.Throws<InferenceException>(() => InputDecoder.Decode([Tensor(new JsonPayload(document.RootElement), 5)], Model, maxImages: 4, pool));
        Assert.Equal(0, pool.Rented);
    }
}
