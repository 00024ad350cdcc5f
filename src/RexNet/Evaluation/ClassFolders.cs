using RexNet.IO;

namespace RexNet.Evaluation;

/// <summary>One class of an ImageFolder tree: the folder's name and the images found anywhere under it.</summary>
internal sealed record ClassFolder(string Name, string Path, IReadOnlyList<string> Images);

/// <summary>
/// Reads an ImageFolder tree as torchvision's ImageFolder does: each sub-folder of the root is a class, its images
/// are found recursively by extension, and classes and files come in ordinal order. Hidden folders (names starting
/// with '.', such as .ipynb_checkpoints) are not classes.
/// </summary>
internal static class ClassFolders
{
    /// <summary>The formats the decoder reads (it goes by the file's signature; the extension only picks the files).</summary>
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp" };

    public static string ExtensionList => string.Join(", ", ImageExtensions.Order(StringComparer.Ordinal));

    public static bool IsImageFile(string path) => ImageExtensions.Contains(System.IO.Path.GetExtension(path));

    public static IReadOnlyList<ClassFolder> Read(string root, string what)
    {
        if (!Directory.Exists(root))
        {
            throw new InvalidInputFileException(root, File.Exists(root) ? $"{what} is a file, not a folder" : $"{what} folder not found",
                File.Exists(root) ? RexNetErrorCode.InvalidFile : RexNetErrorCode.NotFound);
        }
        var dirs = InputFile.Guard(root, () => Directory.GetDirectories(root))
            .Where(d => !System.IO.Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return dirs.Select(dir => new ClassFolder(System.IO.Path.GetFileName(dir), dir,
                InputFile.Guard(dir, () => Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
                    .Where(IsImageFile)
                    .Order(StringComparer.Ordinal)
                    .ToArray()))
            .ToArray();
    }
}
