using RexNet.Imaging;
using RexNet.IO;

namespace RexNet.Cli;

/// <summary>The images a command was given: files as named, folders searched recursively by extension. Every path is
/// checked here, before any weights are downloaded or any engine is built.</summary>
internal static class ImageInputs
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var images = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = ImageFiles.Find(path);
                if (found.Count == 0)
                {
                    throw new InvalidInputFileException(path, $"the folder holds no images ({ImageFiles.ExtensionList}, searched recursively)");
                }
                images.AddRange(found);
            }
            else if (File.Exists(path))
            {
                images.Add(path);
            }
            else
            {
                throw new InvalidInputFileException(path, "no such file or folder", RexNetErrorCode.NotFound);
            }
        }
        return images;
    }
}
