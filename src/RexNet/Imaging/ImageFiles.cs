using RexNet.IO;

namespace RexNet.Imaging;

/// <summary>Which files are images to the tools that take folders of them: the decodable formats, by extension.</summary>
internal static class ImageFiles
{
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png" };

    /// <summary>"jpg, jpeg, png": for messages.</summary>
    public static string ExtensionList => string.Join(", ", Extensions.Select(e => e.TrimStart('.')));

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Every image under <paramref name="folder"/>, recursively, in ordinal path order.</summary>
    public static IReadOnlyList<string> Find(string folder) =>
        InputFile.Guard(folder, () => Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            .Where(IsImage)
            .Order(StringComparer.Ordinal)
            .ToArray();
}
