using System.Runtime.Versioning;
using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.IO;

/// <summary>
/// Writes never leave half a file, follow links instead of replacing them, write straight into what is not a
/// regular file, and the up-front check refuses an output that is an input or cannot be written.
/// </summary>
public class OutputFileTests
{
    private static void WriteHalfThenFail(Stream s)
    {
        s.Write(new byte[100_000]);
        throw new IOException("disk full (simulated)");
    }

    private static void Write(string path, string text) => OutputFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void WriterThatThrowsLeavesNothingBehind()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("out.bin");
        var e = Assert.Throws<RexNetException>(() => OutputFile.Write(target, WriteHalfThenFail));
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
        Assert.Throws<RexNetException>(() => OutputFile.Write(target, WriteHalfThenFail));
        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void SuccessfulWriteReplacesTheTargetAndLeavesNoTemporary()
    {
        using var dir = TestPaths.TempDir();
        string target = dir.File("out.bin");
        File.WriteAllText(target, "previous");
        Write(target, "new");
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void MissingDirectoryIsNamed()
    {
        using var dir = TestPaths.TempDir();
        string target = Path.Combine(dir.Path, "absent", "out.bin");
        var e = Assert.Throws<RexNetException>(() => OutputFile.Write(target, s => s.WriteByte(1)));
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
        var e = Assert.Throws<RexNetException>(() => OutputFile.Write(target, s => s.WriteByte(1)));
        Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
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

    [Fact]
    public void ASymbolicLinkStaysALinkAndItsTargetGetsTheData()
    {
        using var dir = TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("real"));
        string target = dir.File("real/target.bin");
        File.WriteAllText(target, "previous");
        string link = dir.File("link.bin");
        File.CreateSymbolicLink(link, "real/target.bin");

        Write(link, "new");

        Assert.Equal("real/target.bin", new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        // The temporary file lived beside the target (a rename cannot cross folders, or file systems).
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.File("real")));
        Assert.Equal([link, dir.File("real")], Directory.GetFileSystemEntries(dir.Path).Order());
    }

    [Fact]
    public void ADanglingLinkGetsItsTargetCreated()
    {
        using var dir = TestPaths.TempDir();
        string link = dir.File("link.bin");
        File.CreateSymbolicLink(link, dir.File("new.bin"));
        Write(link, "data");
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("data", File.ReadAllText(dir.File("new.bin")));
    }

    [Fact]
    public void AFileInALinkedFolderIsWrittenInTheRealFolder()
    {
        using var dir = TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("a/b"));
        Directory.CreateSymbolicLink(dir.File("shortcut"), "a/b");
        Assert.Equal(dir.File("a/b/out.bin"), RealPaths.Resolve(dir.File("shortcut/out.bin")));
        Write(dir.File("shortcut/out.bin"), "data");
        Assert.Equal("data", File.ReadAllText(dir.File("a/b/out.bin")));
    }

    [Fact]
    public void ALinkLoopIsOneClearError()
    {
        using var dir = TestPaths.TempDir();
        File.CreateSymbolicLink(dir.File("a"), "b");
        File.CreateSymbolicLink(dir.File("b"), "a");
        var e = Assert.Throws<RexNetException>(() => Write(dir.File("a"), "x"));
        Assert.Contains("symbolic links", e.Message);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void AReplacedFileKeepsItsPermissions()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        using var dir = TestPaths.TempDir();
        string target = dir.File("private.bin");
        File.WriteAllText(target, "previous");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Write(target, "new");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
    }

    [Fact]
    public async Task ANamedPipeIsWrittenStraightNotReplaced()
    {
        using var dir = TestPaths.TempDir();
        string fifo = Posix.Fifo(dir);
        var reader = Posix.ReadAllAsync(fifo);
        Write(fifo, "through the pipe");
        Assert.Equal("through the pipe", System.Text.Encoding.UTF8.GetString(await reader));
        Assert.Equal(FileKind.Other, FileStatus.Of(fifo).Kind);
        Assert.Equal([fifo], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void DevNullIsWrittenStraight()
    {
        Assert.SkipUnless(File.Exists("/dev/null"), "no /dev/null here");
        Write("/dev/null", "discarded");
        OutputFile.Check("/dev/null", ["/dev/null"]);
        Assert.Equal(FileKind.Other, FileStatus.Of("/dev/null").Kind);
    }

    [Theory]
    [InlineData("-")]
    [InlineData("/dev/stdout")]
    public void DashAndDevStdoutAreTheStandardOutputStream(string name)
    {
        var stdout = new MemoryStream();
        OutputFile.Write(name, s => s.Write("bytes"u8), stdout);
        Assert.Equal("bytes"u8.ToArray(), stdout.ToArray());
        Assert.False(File.Exists("-"));
    }

    [Fact]
    public void AnOutputThatIsAnInputIsRefusedNamingBoth()
    {
        using var dir = TestPaths.TempDir();
        string input = dir.File("weights.safetensors");
        File.WriteAllText(input, "precious");
        string link = dir.File("link.npy");
        File.CreateSymbolicLink(link, input);
        string hardLink = dir.File("hard.npy");
        Posix.HardLink(input, hardLink);
        Directory.CreateSymbolicLink(dir.File("alias"), dir.Path);

        foreach (string output in new[] { input, link, hardLink, dir.File("alias/weights.safetensors"), Path.GetRelativePath(Environment.CurrentDirectory, input) })
        {
            var e = Assert.Throws<RexNetException>(() => OutputFile.Check(output, [dir.File("other.npy"), input]));
            Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
            Assert.Equal($"output {output} is the input {input}; refusing to overwrite an input, choose another output file", e.Message);
        }
        Assert.Equal("precious", File.ReadAllText(input));
    }

    [Fact]
    public void CheckPassesANewOrDifferentFileAndLeavesNoProbe()
    {
        using var dir = TestPaths.TempDir();
        string input = dir.File("in.npy");
        File.WriteAllText(input, "x");
        string existing = dir.File("old.npy");
        File.WriteAllText(existing, "y");
        OutputFile.Check(dir.File("new.npy"), [input, dir.File("missing-input.npy")]);
        OutputFile.Check(existing, [input]);
        OutputFile.Check("-", [input]);
        Assert.Equal([input, existing], Directory.GetFileSystemEntries(dir.Path).Order());
    }

    [Fact]
    public void CheckRefusesAMissingFolderAndADirectory()
    {
        using var dir = TestPaths.TempDir();
        var missing = Assert.Throws<RexNetException>(() => OutputFile.Check(dir.File("absent/out.json"), []));
        Assert.Equal(RexNetErrorCode.NotFound, missing.Code);
        Assert.Equal($"{dir.File("absent/out.json")}: output directory '{dir.File("absent")}' does not exist", missing.Message);
        var directory = Assert.Throws<RexNetException>(() => OutputFile.Check(dir.Path, []));
        Assert.Equal($"output {dir.Path} is a directory; name a file to write", directory.Message);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void CheckRefusesAReadOnlyFolderAndAReadOnlyFile()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows() || Posix.IsRoot, "root writes anywhere; Unix permissions only");
        using var dir = TestPaths.TempDir();
        string locked = dir.File("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string readOnly = dir.File("ro.npy");
        File.WriteAllText(readOnly, "keep");
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead);
        try
        {
            Assert.Contains("cannot write to the output directory", Assert.Throws<RexNetException>(() => OutputFile.Check(Path.Combine(locked, "x"), [])).Message);
            Assert.Equal($"output {readOnly} is read-only; it was not replaced", Assert.Throws<RexNetException>(() => OutputFile.Check(readOnly, [])).Message);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
