using RexNet.IO;
using RexNet.Tests.Support;
using RexNet.Weights;

namespace RexNet.Tests.IO;

/// <summary>Inputs that are not regular files are refused without opening them, so nothing waits on them.</summary>
public class SpecialFileTests
{
    private static string Fifo(TempDir dir) => Posix.Fifo(dir);

    [Fact]
    public void NpyFromANamedPipeFailsInsteadOfWaiting()
    {
        using var dir = TestPaths.TempDir();
        string pipe = Fifo(dir);
        var e = Assert.Throws<InvalidInputFileException>(() => NpyFile.ReadFloat32(pipe));
        Assert.Equal($"{pipe}: not a .npy file: 0 bytes is shorter than the 8-byte preamble", e.Message);
    }

    [Fact]
    public void SafetensorsFromANamedPipeFailsInsteadOfWaiting()
    {
        using var dir = TestPaths.TempDir();
        string pipe = Fifo(dir);
        var e = Assert.Throws<InvalidInputFileException>(() => SafeTensorsFile.Open(pipe));
        Assert.Contains("0 bytes is shorter than the 8-byte header length", e.Message);
    }

    [Fact]
    public void DeviceFilesAreRejected()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "no /dev/zero here");
        Assert.Contains("shorter than the 8-byte preamble", Assert.Throws<InvalidInputFileException>(() => NpyFile.ReadFloat32("/dev/zero")).Message);
        Assert.Contains("shorter than the 8-byte header length", Assert.Throws<InvalidInputFileException>(() => SafeTensorsFile.Open("/dev/zero")).Message);
    }
}
