using System.Text;
using System.Text.Json;
using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.Imaging;

/// <summary>
/// The image cases in PilReference/ and PIL's answers for them, written by PilReference/make_reference.py with
/// Debian's Python, PIL and libjpeg-turbo (see index.json for the versions).
/// </summary>
internal static class PilReference
{
    public static string Folder { get; } = Path.Combine(TestPaths.RepoRoot, "tests", "RexNet.Tests", "Imaging", "PilReference");

    private static readonly Lazy<JsonElement> Index = new(() =>
        JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Folder, "index.json"))).RootElement.Clone());

    public static int Size => Index.Value.GetProperty("size").GetInt32();

    public static double CropPct => Index.Value.GetProperty("crop_pct").GetDouble();

    public static IEnumerable<string> Cases => Index.Value.GetProperty("cases").EnumerateObject().Select(p => p.Name);

    public static JsonElement Case(string name) => Index.Value.GetProperty("cases").GetProperty(name);

    public static string File(string name) => Path.Combine(Folder, Case(name).GetProperty("file").GetString()!);

    /// <summary>PIL's Image.open(f).convert('RGB') of the case, or of exif_transpose first when <paramref name="upright"/>.</summary>
    public static (int Width, int Height, byte[] Rgb) Pixels(string name, bool upright = false) =>
        ReadPpm(Path.Combine(Folder, upright ? Case(name).GetProperty("upright").GetString()! : $"{name}.rgb.ppm"));

    public static bool HasOrientation(string name) => Case(name).TryGetProperty("upright", out _);

    /// <summary>timm's eval tensor of PIL's RGB image, [1, 3, Size, Size].</summary>
    public static float[] TimmTensor(string name)
    {
        var (shape, data) = NpyFile.ReadFloat32(Path.Combine(Folder, $"{name}.timm.npy"));
        Assert.Equal([1, 3, Size, Size], shape);
        return data;
    }

    /// <summary>A binary PPM as PIL writes it: "P6", width, height, 255, one whitespace byte, then RGB rows.</summary>
    private static (int, int, byte[]) ReadPpm(string path)
    {
        byte[] file = System.IO.File.ReadAllBytes(path);
        int pos = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)file[pos]))
            {
                pos++;
            }
            int start = pos;
            while (!char.IsWhiteSpace((char)file[pos]))
            {
                pos++;
            }
            return Encoding.ASCII.GetString(file, start, pos - start);
        }
        Assert.Equal("P6", Token());
        int width = int.Parse(Token()), height = int.Parse(Token());
        Assert.Equal("255", Token());
        pos++;
        Assert.Equal(width * height * 3, file.Length - pos);
        return (width, height, file[pos..]);
    }
}
