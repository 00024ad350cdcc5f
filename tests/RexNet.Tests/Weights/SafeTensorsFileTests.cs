using System.Buffers.Binary;
using System.Text.Json;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.Weights;

/// <summary>Well-formed .safetensors files: what the reader must accept and decode exactly.</summary>
public class SafeTensorsFileTests
{
    [Theory]
    [InlineData("rexnet_100")]
    [InlineData("rexnetr_100")]
    public void RandomInitRoundTripsExactly(string model)
    {
        var spec = ModelSpec.FromZoo(model);
        using var dir = TestPaths.TempDir();
        string path = dir.File("w.safetensors");
        RandomInit.WriteFile(spec, seed: 7, path);

        using var file = SafeTensorsFile.Open(path);
        var read = file.ReadAllFloat32();
        var expected = RandomInit.Create(spec, seed: 7);
        Assert.Equal(expected.Select(t => t.Name).Order(), read.Keys.Order());
        foreach (var t in expected)
        {
            Assert.Equal(t.Shape, read[t.Name].Shape);
            Assert.Equal(t.Data, read[t.Name].Data);
        }
        // timm writes one I64 num_batches_tracked scalar per BatchNorm: present in the file, skipped on read.
        var counters = file.Entries.Where(e => e.DType == SafeTensorsDType.I64).Select(e => e.Name).ToArray();
        Assert.Equal(RandomInit.BatchCounters(spec), counters);
        Assert.All(counters, c => Assert.Empty(file[c].Shape));
        Assert.Contains("NOT pretrained", file.Metadata["rexnet.note"]);
        Assert.Equal(spec.Name, file.Metadata["rexnet.model"]);
    }

    [Fact]
    public void HalfPrecisionTensorsDecodeExactly()
    {
        // Bit patterns written by hand: 1, -2, 0.5, 65504 (largest half), 2^-24 (smallest subnormal), -0.
        ushort[] f16 = [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000];
        float[] f16Values = [1f, -2f, 0.5f, 65504f, MathF.Pow(2, -24), -0f];
        // bfloat16 is the top half of a float32: 1, -2, 0.5, 3.140625, 2^-133 (subnormal), 2^127.
        ushort[] bf16 = [0x3F80, 0xC000, 0x3F00, 0x4049, 0x0001, 0x7F00];
        float[] bf16Values = [1f, -2f, 0.5f, 3.140625f, BitConverter.Int32BitsToSingle(1 << 16), MathF.Pow(2, 127)];

        var data = new byte[24];
        for (int i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), f16[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(12 + 2 * i), bf16[i]);
        }
        string header = "{" + SafeTensorsBytes.Entry("a.half", "F16", "[2, 3]", 0, 12) + ", " +
                        SafeTensorsBytes.Entry("b.brain", "BF16", "[6]", 12, 24) + "}";
        using var dir = TestPaths.TempDir();
        string path = dir.File("half.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, data));

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(f16Values, file.ReadFloat32("a.half"));
        Assert.True(float.IsNegative(file.ReadFloat32("a.half")[5]), "F16 0x8000 is -0");
        Assert.Equal(bf16Values, file.ReadFloat32("b.brain"));
        var all = file.ReadAllFloat32();
        Assert.Equal([2, 3], all["a.half"].Shape);
        Assert.Equal([6], all["b.brain"].Shape);
    }

    [Fact]
    public void UnalignedAndEmptyTensorsAreRead()
    {
        // An F16 scalar leaves the F32 tensor after it at byte 2 of the data section; the format allows that.
        var data = new byte[10];
        BinaryPrimitives.WriteUInt16LittleEndian(data, 0x3C00);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(2), 2.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(6), -7.25f);
        string header = "{\"__metadata__\": {\"format\": \"pt\"}, " + SafeTensorsBytes.Entry("h", "F16", "[]", 0, 2) + ", " +
                        SafeTensorsBytes.Entry("f", "F32", "[1, 2]", 2, 10) + ", " +
                        SafeTensorsBytes.Entry("empty", "F32", "[0, 5]", 10, 10) + "}";
        using var dir = TestPaths.TempDir();
        string path = dir.File("mixed.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(header, data));

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([1f], file.ReadFloat32("h"));
        Assert.Equal([2.5f, -7.25f], file.ReadFloat32("f"));
        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["h", "f", "empty"], file.Entries.Select(e => e.Name));
    }

    [Fact]
    public void ParityWeightsLoadAndValidate()
    {
        string parity = TestPaths.RequireSharedFolder(TestPaths.Parity);
        var cases = Directory.GetDirectories(parity).Where(d => File.Exists(Path.Combine(d, "weights.safetensors"))).ToArray();
        Assert.NotEmpty(cases);
        foreach (string dir in cases)
        {
            using var caseJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
            var spec = ModelSpec.FromZoo(caseJson.RootElement.GetProperty("model").GetString()!);
            string weights = Path.Combine(dir, "weights.safetensors");

            using (var file = SafeTensorsFile.Open(weights))
            {
                var stateDict = file.ReadAllFloat32();
                StateDictValidation.Validate(spec, stateDict);
                Assert.Equal(TimmLayout.ExpectedTensors(spec).Count, stateDict.Count);
                Assert.Contains(file.Entries, e => e.DType == SafeTensorsDType.I64 && TimmLayout.IsBatchCounter(e.Name));
            }
            var folded = WeightLoader.Load(spec, weights);
            Assert.Equal(spec.Blocks.Count, folded.Blocks.Count);
            Assert.All(folded.Stem.Weight, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void ASymbolicLinkIsSizedByItsTarget()
    {
        // Hugging Face cache snapshots are links into blobs/: the reader must see the blob's length.
        using var dir = TestPaths.TempDir();
        var spec = ModelSpec.FromZoo("rexnet_100");
        string blob = dir.File("blob");
        RandomInit.WriteFile(spec, 1, blob);
        string link = dir.File("model.safetensors");
        File.CreateSymbolicLink(link, blob);
        using var file = SafeTensorsFile.Open(link);
        Assert.Equal(TimmLayout.ExpectedTensors(spec).Count, file.ReadAllFloat32().Count);
    }
}
