using RexNet.IO;
using RexNet.Tests.Support;
using static RexNet.Tests.Support.NpyBytes;

namespace RexNet.Tests.IO;

/// <summary>.npy files NumPy writes are read exactly; everything else is rejected with a message naming the problem.</summary>
public class NpyFileTests
{
    private static (int[] Shape, float[] Data) Read(byte[] contents)
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("x.npy");
        File.WriteAllBytes(path, contents);
        return NpyFile.ReadFloat32(path);
    }

    private static void Rejects(byte[] contents, string expected)
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("bad.npy");
        File.WriteAllBytes(path, contents);
        var e = Assert.Throws<InvalidInputFileException>(() => NpyFile.ReadFloat32(path));
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in: {e.Message}");
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 })]
    [InlineData(new[] { 7 })]
    [InlineData(new int[0])]
    [InlineData(new[] { 3, 0, 2 })]
    public void WriteThenReadRoundTrips(int[] shape)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var data = Enumerable.Range(0, count).Select(i => i * 0.25f - 3f).ToArray();
        using var dir = TestPaths.TempDir();
        string path = dir.File("t.npy");
        NpyFile.WriteFloat32(path, shape, data);
        var (readShape, readData) = NpyFile.ReadFloat32(path);
        Assert.Equal(shape, readShape);
        Assert.Equal(data, readData);
        Assert.Equal(0, (new FileInfo(path).Length - count * 4) % 64);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 1)]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}", 2)]
    [InlineData("{'shape': (2,2), 'fortran_order': False, 'descr': '<f4'}", 3)]
    [InlineData("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (4,)}  ", 1)]
    [InlineData("{'descr':'<f4','fortran_order':False,'shape':(2, 2,),}\n", 1)]
    public void HeadersNumPyCanWriteAreAccepted(string header, byte major)
    {
        var bytes = Build(header, 16, major);
        var (shape, data) = Read(bytes);
        Assert.Equal(4, data.Length);
        Assert.Equal(4, shape.Aggregate(1, (a, b) => a * b));
    }

    [Fact]
    public void ZeroDimensionalArrayHoldsOneValue()
    {
        var (shape, data) = Read(Float32("()", [42.5f]));
        Assert.Empty(shape);
        Assert.Equal([42.5f], data);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void TruncatedPreamble(int length) => Rejects(Magic.Concat(new byte[] { 1, 0 }).Take(length).ToArray(), "shorter than the 8-byte preamble");

    [Fact]
    public void TruncatedHeaderLength() => Rejects([.. Magic, 2, 0, 10, 0], "truncated .npy preamble");

    [Fact]
    public void BadMagic() => Rejects("PK\x03\x04 this is a zip file"u8.ToArray(), "missing the \\x93NUMPY magic");

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(255)]
    public void UnsupportedVersion(byte major) => Rejects(Build(Dict("(1,)"), 4, major), $"unsupported .npy format version {major}.0");

    [Fact]
    public void HeaderLengthPastTheFile() => Rejects(Build(Dict("(1,)"), 0, declaredHeaderLength: 5000), "truncated .npy header: 5000 bytes announced");

    [Fact]
    public void HugeHeaderLength() => Rejects(Build(Dict("(1,)"), 4, major: 2, declaredHeaderLength: uint.MaxValue), "exceeds the 65536-byte limit");

    [Theory]
    [InlineData("<f8")]
    [InlineData(">f4")]
    [InlineData("|u1")]
    [InlineData("<i4")]
    [InlineData("f4")]
    [InlineData("")]
    public void UnsupportedDtype(string descr) =>
        Rejects(Build(Dict("(2,)", descr), 8), $"dtype '{descr}' is not supported: expected little-endian float32 ('<f4')");

    [Fact]
    public void FortranOrder() => Rejects(Build(Dict("(2, 2)", fortranOrder: "True"), 16), "Fortran-ordered arrays are not supported");

    [Theory]
    [InlineData("(2, 3)", 20, "data is 20 bytes but shape (2, 3) of float32 needs 24")]
    [InlineData("(2, 3)", 28, "data is 28 bytes but shape (2, 3) of float32 needs 24")]
    [InlineData("(5,)", 0, "data is 0 bytes but shape (5,) of float32 needs 20")]
    [InlineData("()", 8, "data is 8 bytes but shape () of float32 needs 4")]
    [InlineData("(0,)", 4, "data is 4 bytes but shape (0,) of float32 needs 0")]
    public void ShapeAndDataSizeDisagree(string shape, int dataBytes, string expected) => Rejects(Build(Dict(shape), dataBytes), expected);

    [Theory]
    [InlineData("(2.5,)", "dimension '2.5' is not a non-negative integer")]
    [InlineData("(-1, 3)", "dimension '-1' is not a non-negative integer")]
    [InlineData("('a',)", "dimension ''a'' is not a non-negative integer")]
    [InlineData("(1e3,)", "dimension '1e3' is not a non-negative integer")]
    [InlineData("(0x10,)", "dimension '0x10' is not a non-negative integer")]
    [InlineData("(3)", "a one-element shape is written (n,)")]
    [InlineData("(,)", "dimension '' is not a non-negative integer")]
    [InlineData("((2, 3))", "dimension '(2' is not a non-negative integer")]
    [InlineData("[2, 3]", "expected '('")]
    [InlineData("(2 3)", "expected ',' or ')' in the shape")]
    [InlineData("(2147483648,)", "dimension 2147483648 is too large")]
    [InlineData("(99999999999999999999999,)", "dimension 99999999999999999999999 is too large")]
    public void BadDimensions(string shape, string expected) => Rejects(Build(Dict(shape), 4), expected);

    [Theory]
    [InlineData("(2147483647, 2147483647, 2147483647, 2147483647)")]
    [InlineData("(65536, 65536, 65536, 65536)")]
    [InlineData("(100000, 100000)")]
    [InlineData("(2147483647, 2)")]
    public void HugeShapeIsRefusedBeforeAllocating(string shape) => Rejects(Build(Dict(shape), 4), $"shape {shape} holds more than");

    [Fact]
    public void TooManyDimensions() => Rejects(Build(Dict("(1, 1, 1, 1, 1, 1, 1, 1, 1)"), 4), "9 dimensions exceed the limit of 8");

    [Theory]
    [InlineData("", "expected '{'")]
    [InlineData("hello", "expected '{'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected ',' or '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } extra", "text after the closing '}'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", "no 'shape' key")]
    [InlineData("{'fortran_order': False, 'shape': (2,)}", "no 'descr' key")]
    [InlineData("{'descr': '<f4', 'shape': (2,)}", "no 'fortran_order' key")]
    [InlineData("{}", "no 'descr' key")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "key 'descr' appears twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "expected True or False")]
    [InlineData("{'descr': <f4, 'fortran_order': False, 'shape': (2,)}", "expected a quoted string")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", "expected ',' or '}'")]
    [InlineData("{'descr': '<f4\\x00', 'fortran_order': False, 'shape': (2,)}", "escape sequences are not supported")]
    [InlineData("{'descr: '<f4'", "expected ':'")]
    [InlineData("{'descr", "unterminated string")]
    [InlineData("{descr: '<f4'}", "expected a quoted string")]
    [InlineData("{'descr' '<f4'}", "expected ':'")]
    [InlineData("\0\0\0\0", "expected '{'")]
    [InlineData("{", "expected a quoted string")]
    [InlineData("{'fortran_order':", "expected True or False")]
    [InlineData("{'fortran_order': Fals", "expected True or False")]
    [InlineData("{'shape':", "expected '('")]
    [InlineData("{'shape': (2,", "dimension '' is not a non-negative integer")]
    [InlineData("{'descr':", "expected a quoted string")]
    public void HeaderGarbage(string header, string expected) => Rejects(Build(header, 8), $"unreadable .npy header: {expected}");

    [Theory]
    [InlineData("{'descr': '<f4\r\n\u001b[31m', 'fortran_order': False, 'shape': (2,)}", "dtype '<f4???[31m' is not supported")]
    [InlineData("{'descr': '<f4',\r\n 'x\u001b': 1}", "unexpected key 'x?' at character 25 of {'descr': '<f4',?? 'x?': 1}")]
    public void ControlCharactersDoNotReachTheMessage(string header, string expected) => Rejects(Build(header, 8), expected);

    [Fact]
    public void PathologicalWhitespaceIsParsedInLinearTime()
    {
        // 65 KB of whitespace between entries and a missing brace: the old backtracking regex took seconds (quadratic).
        string spaces = new(' ', 60_000);
        Rejects(Build($"{{'descr': '<f4',{spaces}'fortran_order': False,{spaces[..4000]}'shape': (2,){spaces[..1000]}X", 8), "expected ',' or '}'");
    }

    [Fact]
    public void NonSeekableStreamWithALyingHeaderAllocatesOnlyWhatIsThere()
    {
        // Claims 2^30 floats (4 GiB) but carries 8 bytes: rejected without allocating the 4 GiB.
        using var stream = new NonSeekableStream(Build(Dict("(1073741824,)"), 8));
        var e = Assert.Throws<InvalidInputFileException>(() => NpyFile.ReadFloat32(stream, "pipe"));
        Assert.Equal("pipe: data is 8 bytes but shape (1073741824,) of float32 needs 4294967296", e.Message);
    }

    [Fact]
    public void NonSeekableStreamReadsNormally()
    {
        using var stream = new NonSeekableStream(Float32("(3,)", [1f, 2f, 3f]));
        Assert.Equal([1f, 2f, 3f], NpyFile.ReadFloat32(stream, "pipe").Data);
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("absent.npy");
        Assert.Equal($"{path}: file not found", Assert.Throws<InvalidInputFileException>(() => NpyFile.ReadFloat32(path)).Message);
    }

    [Fact]
    public void DirectoryInsteadOfFile()
    {
        using var dir = TestPaths.TempDir();
        Assert.Equal($"{dir.Path}: is a directory, not a file",
            Assert.Throws<InvalidInputFileException>(() => NpyFile.ReadFloat32(dir.Path)).Message);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
