using System.Buffers.Binary;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Weights;

/// <summary>The writer refuses what would make a file its own reader rejects, and writes nothing then.</summary>
public class SafeTensorsWriterTests
{
    private static void Refuses(TensorData[] tensors, (string, long)[]? counters, string expected)
    {
        using var dir = TestPaths.TempDir();
        var e = Assert.Throws<RexNetException>(() => SafeTensorsWriter.Write(dir.File("w.safetensors"), tensors, counters));
        Assert.Equal(expected, e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ShapeThatDisagreesWithTheData() =>
        Refuses([new TensorData("w", [2, 3], new float[5])], null, "tensor 'w' has shape [2, 3] but 5 values");

    [Fact]
    public void RepeatedName() =>
        Refuses([new TensorData("w", [1], [1f]), new TensorData("w", [1], [2f])], null, "tensor name 'w' is used twice (or is the reserved __metadata__)");

    [Fact]
    public void CounterWithATensorsName() =>
        Refuses([new TensorData("bn.num_batches_tracked", [1], [1f])], [("bn.num_batches_tracked", 0)],
            "tensor name 'bn.num_batches_tracked' is used twice (or is the reserved __metadata__)");

    [Fact]
    public void WrittenFileReadsBack()
    {
        using var dir = TestPaths.TempDir();
        string path = dir.File("w.safetensors");
        SafeTensorsWriter.Write(path, [new TensorData("a", [2], [1f, -1f]), new TensorData("b", [0], [])], [("a.num_batches_tracked", 12345678901)],
            new Dictionary<string, string> { ["k"] = "v" });
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([1f, -1f], file.ReadFloat32("a"));
        Assert.Equal(["a", "b"], file.ReadAllFloat32().Keys.Order());
        Assert.Equal("v", file.Metadata["k"]);
        Assert.Equal(12345678901, file.ReadInt64Scalar("a.num_batches_tracked"));
        // The header is padded so that the data section starts 8-byte aligned.
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path)) % 8);
    }
}
