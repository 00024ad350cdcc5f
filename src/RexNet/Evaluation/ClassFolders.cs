using RexNet.Imaging;
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
        return dirs.Select(dir => new ClassFolder(System.IO.Path.GetFileName(dir), dir, ImageFiles.Find(dir))).ToArray();
    }
}
