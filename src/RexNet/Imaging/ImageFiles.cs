using RexNet.IO;

namespace RexNet.Imaging;

/// <summary>Which files in a folder are images (evaluation and fine-tuning sets, predict's folders): the extensions of
/// the formats the decoder reads (<see cref="ImageFormat"/>; it goes by the file's signature, the extension only picks
/// the files), as torchvision's ImageFolder picks files by extension.</summary>
internal static class ImageFiles
{
    public static IReadOnlySet<string> Extensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp" };

    /// <summary>".bmp, .gif, .jpeg, ...": for messages.</summary>
    public static string ExtensionList => string.Join(", ", Extensions.Order(StringComparer.Ordinal));

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Every image under <paramref name="folder"/>, recursively, in ordinal path order.</summary>
    public static IReadOnlyList<string> Find(string folder) =>
        InputFile.Guard(folder, () => Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            .Where(IsImage)
            .Order(StringComparer.Ordinal)
            .ToArray();
}
