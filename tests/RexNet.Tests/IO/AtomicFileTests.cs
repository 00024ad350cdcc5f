using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.IO;

/// <summary>A failed write leaves neither the target nor the temporary file; an old target survives it.</summary>
public class AtomicFileTests
{
    private static void WriteHalfThenFail(Stream s)
    {
        s.Write(new byte[100_000]);
        throw new IOException("disk full (simulated)");
    }

    [Fact]
    public void WriterThatThrowsLeavesNothingBehind()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("out.bin");
        var e = Assert.Throws<RexNetException>(() => AtomicFile.Write(target, WriteHalfThenFail));
        Assert.Equal(RexNetErrorCode.InvalidFile, e.Code);
        Assert.Equal($"{target}: cannot write: disk full (simulated)", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WriterThatThrowsKeepsThePreviousFile()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("out.bin");
        File.WriteAllText(target, "previous");
        Assert.Throws<RexNetException>(() => AtomicFile.Write(target, WriteHalfThenFail));
        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void SuccessfulWriteReplacesTheTargetAndLeavesNoTemporary()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("out.bin");
        File.WriteAllText(target, "previous");
        AtomicFile.Write(target, s => s.Write("new"u8));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void MissingDirectoryIsNamed()
    {
        using var dir = TestPaths.TempDir();
        string target = Path.Combine(dir.Path, "absent", "out.bin");
        var e = Assert.Throws<RexNetException>(() => AtomicFile.Write(target, s => s.WriteByte(1)));
        Assert.Equal(RexNetErrorCode.NotFound, e.Code);
        Assert.Contains("absent", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void TargetThatIsADirectoryFailsCleanly()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("taken");
        Directory.CreateDirectory(target);
        Assert.Throws<RexNetException>(() => AtomicFile.Write(target, s => s.WriteByte(1)));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public void WritersOfTheLibraryAreAtomic()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("x.npy");
        // Shape and data disagree: the writer throws before anything reaches the disk.
        Assert.Throws<RexNetException>(() => NpyFile.WriteFloat32(target, [2, 2], new float[3]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
