using System.Globalization;
using RexNet.Imaging;
using RexNet.IO;

namespace RexNet.Evaluation;

/// <summary>One labelled image of an evaluation set.</summary>
public sealed record EvalSample(string Path, int Label);

/// <summary>
/// Builds the list of labelled images from either an ImageFolder tree (one folder per class; files found recursively,
/// by extension, as torchvision's ImageFolder does) or a PaddleClas list file ("relative/path label" per line, paths
/// relative to the root). A class folder is named by one of the model's labels (a fine-tuned head's class names),
/// by its class index, or, for ImageNet-1k models, by its WordNet id.
/// </summary>
public static class EvalDataset
{
    /// <summary>The samples of an ImageFolder tree, labelled for a model with these <paramref name="labels"/>
    /// (<see cref="RexNetEngine.ClassLabels"/>); null means ImageNet-1k's.</summary>
    public static IReadOnlyList<EvalSample> FromImageFolder(string root, IReadOnlyList<string>? labels = null)
    {
        labels ??= ImageNetClasses.Labels;
        var classes = ClassFolders.Read(root, "evaluation");
        if (classes.Count == 0)
        {
            throw new InvalidInputFileException(root, $"no class folders: expected one folder per class, named by {Naming(labels)}");
        }
        var byLabel = labels.Select((label, index) => (label, index)).ToLookup(p => p.label, p => p.index, StringComparer.Ordinal);
        var samples = new List<EvalSample>();
        foreach (var folder in classes)
        {
            int label = ClassOfFolder(folder, labels, byLabel);
            samples.AddRange(folder.Images.Select(image => new EvalSample(image, label)));
        }
        return samples;
    }

    /// <summary>The samples of a list file for a model of <paramref name="numClasses"/> classes.</summary>
    public static IReadOnlyList<EvalSample> FromListFile(string root, string listFile, int numClasses = ImageNetClasses.Count)
    {
        if (!File.Exists(listFile))
        {
            throw new InvalidInputFileException(listFile, "list file not found", RexNetErrorCode.NotFound);
        }
        var samples = new List<EvalSample>();
        int lineNumber = 0;
        foreach (string raw in InputFile.Guard(listFile, () => File.ReadAllLines(listFile)))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            int split = line.LastIndexOfAny([' ', '\t']);
            if (split <= 0 ||
                !int.TryParse(line[(split + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int label) ||
                label >= numClasses)
            {
                throw new InvalidInputFileException(listFile,
                    $"line {lineNumber}: expected 'relative/path label' with a label in [0, {numClasses - 1}], got '{Shorten(line)}'");
            }
            samples.Add(new EvalSample(Path.Combine(root, line[..split].Trim()), label));
        }
        if (samples.Count == 0)
        {
            throw new InvalidInputFileException(listFile, "the list names no images");
        }
        return samples;
    }

    private static int ClassOfFolder(ClassFolder folder, IReadOnlyList<string> labels, ILookup<string, int> byLabel)
    {
        var named = byLabel[folder.Name].ToArray();
        if (named.Length > 1)
        {
            throw new InvalidInputFileException(folder.Path, $"folder '{folder.Name}' is the label of classes {string.Join(" and ", named)}; rename it to one of their indices");
        }
        if (named.Length == 1)
        {
            return named[0];
        }
        if (Weights.ModelLabels.AreImageNet(labels) && ImageNetClasses.TryGetIndex(folder.Name, out int synset))
        {
            return synset;
        }
        if (int.TryParse(folder.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < labels.Count)
        {
            return n;
        }
        throw new InvalidInputFileException(folder.Path, $"folder '{folder.Name}' is not a class of the model: name class folders by {Naming(labels)}");
    }

    /// <summary>How class folders may be named for these labels, for error messages.</summary>
    private static string Naming(IReadOnlyList<string> labels) =>
        Weights.ModelLabels.AreImageNet(labels)
            ? $"WordNet id (n01440764), class index (0-{labels.Count - 1}) or label"
            : $"label ({Shorten(string.Join(", ", labels.Take(10)) + (labels.Count > 10 ? ", …" : ""))}) or class index (0-{labels.Count - 1})";

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
