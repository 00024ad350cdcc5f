using RexNet.Evaluation;
using RexNet.IO;

namespace RexNet.FineTuning;

/// <summary>
/// A fine-tuning set: an ImageFolder tree whose folder names are the class names (in ordinal order, as
/// torchvision's ImageFolder numbers them). Training needs at least two classes and an image in every class.
/// </summary>
internal sealed record ClassFolderDataset(string Root, IReadOnlyList<string> Classes, IReadOnlyList<EvalSample> Samples)
{
    public static ClassFolderDataset Load(string root, string what)
    {
        var folders = ClassFolders.Read(root, what);
        if (folders.Count < 2)
        {
            throw new InvalidInputFileException(root,
                $"{what} set has {(folders.Count == 0 ? "no class folders" : $"one class folder ('{folders[0].Name}')")}: a classifier needs at least two, one folder per class");
        }
        RequireImages(root, what, folders);
        var samples = folders.SelectMany((f, label) => f.Images.Select(image => new EvalSample(image, label))).ToArray();
        return new ClassFolderDataset(root, folders.Select(f => f.Name).ToArray(), samples);
    }

    /// <summary>A validation tree must hold exactly the training classes, so that labels mean the same on both.</summary>
    public static ClassFolderDataset LoadValidation(string root, IReadOnlyList<string> trainingClasses)
    {
        var folders = ClassFolders.Read(root, "validation");
        var names = folders.Select(f => f.Name).ToArray();
        var unknown = names.Except(trainingClasses, StringComparer.Ordinal).ToArray();
        var missing = trainingClasses.Except(names, StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0 || missing.Length > 0)
        {
            var parts = new List<string>();
            if (unknown.Length > 0)
            {
                parts.Add($"not in training: {Quote(unknown)}");
            }
            if (missing.Length > 0)
            {
                parts.Add($"missing: {Quote(missing)}");
            }
            throw new InvalidInputFileException(root, $"validation classes differ from the training classes ({string.Join("; ", parts)})");
        }
        RequireImages(root, "validation", folders);
        var samples = folders.SelectMany((f, label) => f.Images.Select(image => new EvalSample(image, label))).ToArray();
        return new ClassFolderDataset(root, names, samples);
    }

    private static void RequireImages(string root, string what, IReadOnlyList<ClassFolder> folders)
    {
        var empty = folders.Where(f => f.Images.Count == 0).Select(f => f.Name).ToArray();
        if (empty.Length > 0)
        {
            throw new InvalidInputFileException(root, $"{what} class folders without images ({Imaging.ImageFiles.ExtensionList}): {Quote(empty)}");
        }
    }

    private static string Quote(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Count > 5 ? $" (and {names.Count - 5} more)" : "");
}
