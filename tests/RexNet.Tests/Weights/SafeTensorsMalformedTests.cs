using System.Buffers.Binary;
using System.Text;
using RexNet.IO;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;
using static RexNet.Tests.Support.SafeTensorsBytes;

namespace RexNet.Tests.Weights;

/// <summary>
/// .safetensors files are untrusted input: every malformation must end in an <see cref="InvalidInputFileException"/>
/// that names the file and the problem, before anything is allocated from the lying numbers.
/// </summary>
public class SafeTensorsMalformedTests
{
    private static InvalidInputFileException Rejects(byte[] contents, string expected, long maxHeaderBytes = SafeTensorsFile.DefaultMaxHeaderBytes)
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, contents);
        var e = Assert.Throws<InvalidInputFileException>(() =>
        {
            using var file = SafeTensorsFile.Open(path, maxHeaderBytes);
            file.ReadAllFloat32();
        });
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in: {e.Message}");
        return e;
    }

    private static string Header(params string[] entries) => "{" + string.Join(", ", entries) + "}";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void FileShorterThanTheLengthPrefix(int length) =>
        Rejects(new byte[length], "shorter than the 8-byte header length");

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    [InlineData((ulong)SafeTensorsFile.DefaultMaxHeaderBytes + 1)]
    public void HugeHeaderLengthIsRefusedBeforeReading(ulong declared) =>
        Rejects(Build(Encoding.UTF8.GetBytes("{}"), [], declared), $"header length {declared} exceeds the {SafeTensorsFile.DefaultMaxHeaderBytes}-byte limit");

    [Fact]
    public void HeaderJustOverACustomCap()
    {
        string header = Header(Entry("w", "F32", "[1]", 0, 4));
        Rejects(Build(header, 4), "exceeds the 16-byte limit", maxHeaderBytes: 16);
        Rejects(Build(header, 4), "exceeds", maxHeaderBytes: Encoding.UTF8.GetByteCount(header) - 1);
    }

    [Fact]
    public void HeaderLengthPastTheEndOfTheFile() =>
        Rejects(Build(Encoding.UTF8.GetBytes("{}"), [], declaredHeaderLength: 1000), "header length 1000 runs past the end of the 10-byte file");

    [Fact]
    public void HeaderLengthShorterThanTheJson()
    {
        byte[] header = Encoding.UTF8.GetBytes(Header(Entry("w", "F32", "[1]", 0, 4)));
        Rejects(Build(header, new byte[4], declaredHeaderLength: (ulong)header.Length - 3), "header is not valid JSON");
    }

    [Fact]
    public void TruncatedDataSection()
    {
        byte[] whole = Build(Header(Entry("a", "F32", "[2]", 0, 8), Entry("b", "F32", "[3]", 8, 20)), 20);
        Rejects(whole[..^4], "tensor 'b': data_offsets [8, 20] lie outside the 16-byte data section");
    }

    [Fact]
    public void TruncatedRandomInitFile()
    {
        using var dir = TestPaths.TempDir();
        string good = dir.File("good.safetensors");
        RandomInit.WriteFile(ModelSpec.FromZoo("rexnet_100"), 1, good);
        byte[] bytes = File.ReadAllBytes(good);
        Rejects(bytes[..(bytes.Length / 2)], "lie outside the");
        Rejects(bytes[..100], "runs past the end");
    }

    [Theory]
    [InlineData("", "header is not valid JSON")]
    [InlineData("not json", "header is not valid JSON")]
    [InlineData("{\"w\": ", "header is not valid JSON")]
    [InlineData("{} trailing", "header is not valid JSON")]
    [InlineData("{\"a\": [[[[[[[[[[[[1]]]]]]]]]]]]}", "header is not valid JSON")]
    [InlineData("[1, 2]", "header is not a JSON object")]
    [InlineData("\"text\"", "header is not a JSON object")]
    [InlineData("null", "header is not a JSON object")]
    [InlineData("42", "header is not a JSON object")]
    public void HeaderThatIsNotAJsonObject(string header, string expected) => Rejects(Build(header, 0), expected);

    [Fact]
    public void HeaderThatIsNotUtf8() =>
        Rejects(Build([.. "{\""u8, 0xFF, 0xFE, .. "\": 1}"u8], []), "header is not valid UTF-8");

    [Fact]
    public void DuplicateKeys() =>
        Rejects(Build(Header(Entry("w", "F32", "[1]", 0, 4), Entry("w", "F32", "[1]", 4, 8)), 8), "tensor 'w' appears twice");

    [Theory]
    [InlineData("\"__metadata__\": [1]", "__metadata__ is not a JSON object")]
    [InlineData("\"__metadata__\": {\"k\": 1}", "__metadata__ value 'k' is not a string")]
    [InlineData("\"__metadata__\": {\"k\": \"a\", \"k\": \"b\"}", "__metadata__ key 'k' appears twice")]
    [InlineData("\"__metadata__\": {}, \"__metadata__\": {}", "'__metadata__' appears twice")]
    public void BadMetadata(string entry, string expected) => Rejects(Build(Header(entry), 0), expected);

    [Theory]
    [InlineData(0, 8, 4, 12)]
    [InlineData(0, 12, 4, 8)]
    [InlineData(4, 12, 0, 8)]
    [InlineData(0, 8, 0, 8)]
    public void OverlappingOffsets(long aBegin, long aEnd, long bBegin, long bEnd)
    {
        string shapeA = $"[{(aEnd - aBegin) / 4}]", shapeB = $"[{(bEnd - bBegin) / 4}]";
        Rejects(Build(Header(Entry("a", "F32", shapeA, aBegin, aEnd), Entry("b", "F32", shapeB, bBegin, bEnd)), 12), "overlap");
    }

    [Theory]
    [InlineData(0, 12, "[0, 12] lie outside the 8-byte data section")]
    [InlineData(8, 12, "[8, 12] lie outside the 8-byte data section")]
    [InlineData(-4, 0, "[-4, 0] lie outside")]
    [InlineData(8, 4, "[8, 4] lie outside")]
    [InlineData(long.MaxValue - 3, long.MaxValue, "lie outside")]
    public void OffsetsOutsideTheData(long begin, long end, string expected) =>
        Rejects(Build(Header(Entry("w", "F32", "[1]", begin, end)), 8), expected);

    [Theory]
    [InlineData("[\"0\", 4]")]
    [InlineData("[0, 4.0]")]
    [InlineData("[0, 4.5]")]
    [InlineData("[0]")]
    [InlineData("[0, 4, 8]")]
    [InlineData("[null, 4]")]
    [InlineData("[0, 18446744073709551616]")]
    public void OffsetsThatAreNotAPairOfIntegers(string offsets) =>
        Rejects(Build($"{{\"w\": {{\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": {offsets}}}}}", 4),
            $"tensor 'w': data_offsets {offsets} is not a pair of integers");

    [Theory]
    [InlineData("[-1]")]
    [InlineData("[2, -3]")]
    [InlineData("[1.5]")]
    [InlineData("[1.0]")]
    [InlineData("[1e2]")]
    [InlineData("[\"2\"]")]
    [InlineData("[true]")]
    [InlineData("[null]")]
    [InlineData("[[1]]")]
    [InlineData("[2147483648]")]
    [InlineData("[4294967300]")]
    public void DimensionsThatAreNotNonNegativeIntegers(string shape) =>
        Rejects(Build(Header(Entry("w", "F32", shape, 0, 4)), 4), $"tensor 'w': shape {shape} is not a list of non-negative integers");

    [Fact]
    public void LongValuesAreCutShortInTheMessage()
    {
        string longShape = "[" + string.Join(", ", Enumerable.Repeat("-1", 100_000)) + "]";
        var e = Rejects(Build(Header(Entry("w", "F32", longShape, 0, 4)), 4), "tensor 'w': shape [-1, -1, -1");
        Assert.True(e.Message.Length < 300, e.Message);
    }

    [Fact]
    public void TooManyDimensions() =>
        Rejects(Build(Header(Entry("w", "F32", "[1, 1, 1, 1, 1, 1, 1, 1, 1]", 0, 4)), 4), "9 dimensions is more than the 8 allowed");

    [Theory]
    [InlineData("F32", "[3]", 8, "shape [3] of F32 needs 12 bytes but data_offsets span 8")]
    [InlineData("F32", "[2, 2]", 12, "needs 16 bytes but data_offsets span 12")]
    [InlineData("F16", "[2]", 8, "shape [2] of F16 needs 4 bytes but data_offsets span 8")]
    [InlineData("BF16", "[]", 4, "shape [] of BF16 needs 2 bytes")]
    [InlineData("I64", "[]", 4, "shape [] of I64 needs 8 bytes but data_offsets span 4")]
    [InlineData("F32", "[0]", 4, "shape [0] of F32 needs 0 bytes but data_offsets span 4")]
    public void ShapeAndByteCountDisagree(string dtype, string shape, int bytes, string expected) =>
        Rejects(Build(Header(Entry("w", dtype, shape, 0, bytes)), 16), expected);

    [Theory]
    [InlineData("[2147483647, 2147483647, 2147483647]")]
    [InlineData("[65536, 65536, 65536, 65536]")]
    [InlineData("[2147483647, 2147483647, 2]")]
    public void ShapeProductOverflows(string shape) =>
        Rejects(Build(Header(Entry("w", "F32", shape, 0, 4)), 4), "is too large");

    [Fact]
    public void ShapeWithAZeroDimensionDoesNotOverflow() =>
        Rejects(Build(Header(Entry("w", "F32", "[2147483647, 2147483647, 2147483647, 0]", 0, 4)), 4), "needs 0 bytes but data_offsets span 4");

    [Theory]
    [InlineData("U8")]
    [InlineData("F64")]
    [InlineData("I32")]
    [InlineData("BOOL")]
    [InlineData("f32")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("F32, F16")]
    [InlineData(" F32")]
    [InlineData("")]
    public void UnsupportedDtype(string dtype) =>
        Rejects(Build(Header(Entry("w", dtype, "[1]", 0, 4)), 4), $"tensor 'w': dtype '{dtype}' is not supported");

    [Theory]
    [InlineData("\"w\": 1")]
    [InlineData("\"w\": []")]
    [InlineData("\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}")]
    [InlineData("\"w\": {\"dtype\": 5, \"shape\": [1], \"data_offsets\": [0, 4]}")]
    [InlineData("\"w\": {\"dtype\": \"F32\", \"shape\": 1, \"data_offsets\": [0, 4]}")]
    [InlineData("\"w\": {\"dtype\": \"F32\", \"shape\": [1]}")]
    [InlineData("\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": {\"a\": 0}}")]
    public void EntryWithoutTheRequiredFields(string entry) =>
        Rejects(Build(Header(entry), 4), "tensor 'w': entry needs 'dtype' (string), 'shape' (array) and 'data_offsets' (array)");

    [Theory]
    [InlineData("stem.conv.weight", "[]")]
    [InlineData("stem.bn.running_mean", "[1]")]
    [InlineData("stem.bn.num_batches_tracked", "[1]")]
    public void IntegerTensorThatIsNotAScalarBatchCounter(string name, string shape) =>
        Rejects(Build(Header(Entry(name, "I64", shape, 0, 8)), 8),
            $"tensor '{name}' is I64 {shape}; only scalar num_batches_tracked counters may be integers");

    [Fact]
    public void ScalarBatchCounterIsAcceptedAndIgnored()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("counter.safetensors");
        var data = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(data, 12345);
        File.WriteAllBytes(path, Build(Header(Entry("stem.bn.num_batches_tracked", "I64", "[]", 0, 8), Entry("x", "F32", "[1]", 8, 12)), data));
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["x"], file.ReadAllFloat32().Keys);
        var e = Assert.Throws<InvalidInputFileException>(() => file.ReadFloat32("stem.bn.num_batches_tracked"));
        Assert.Contains("has dtype I64, not a floating-point type", e.Message);
        e = Assert.Throws<InvalidInputFileException>(() => file.ReadFloat32("absent"));
        Assert.Contains("no tensor named 'absent'", e.Message);
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("absent.safetensors");
        var e = Assert.Throws<InvalidInputFileException>(() => SafeTensorsFile.Open(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public void DirectoryInsteadOfFile()
    {
        using var dir = TestPaths.TempDir();
        var e = Assert.Throws<InvalidInputFileException>(() => SafeTensorsFile.Open(dir.Path));
        Assert.Equal($"{dir.Path}: is a directory, not a file", e.Message);
    }
}
