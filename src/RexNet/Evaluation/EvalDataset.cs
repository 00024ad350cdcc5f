using System.Globalization;
using RexNet.Imaging;
using RexNet.IO;

namespace RexNet.Evaluation;

/// <summary>One labelled image of an evaluation set.</summary>
public sealed record EvalSample(string Path, int Label);

/// <summary>
/// Builds the list of labelled images from either an ImageFolder tree (one folder per class, named by WordNet id
/// or by class index; files found recursively, by extension, as torchvision's ImageFolder does) or a PaddleClas
/// list file ("relative/path label" per line, paths relative to the root).
/// </summary>
public static class EvalDataset
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png" };

    public static IReadOnlyList<EvalSample> FromImageFolder(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new InvalidInputFileException(root, "evaluation folder not found", RexNetErrorCode.NotFound);
        }
        var samples = new List<EvalSample>();
        var classDirs = InputFile.Guard(root, () => Directory.GetDirectories(root)).Order(StringComparer.Ordinal).ToArray();
        if (classDirs.Length == 0)
        {
            throw new InvalidInputFileException(root, "no class folders: expected one folder per class, named by WordNet id (n01440764) or class index (0-999)");
        }
        foreach (string dir in classDirs)
        {
            string name = Path.GetFileName(dir);
            int label = ClassOfFolder(name)
                ?? throw new InvalidInputFileException(dir, $"folder '{name}' is neither an ImageNet WordNet id nor a class index in [0, {ImageNetClasses.Count - 1}]");
            foreach (string file in InputFile.Guard(dir, () => Directory.GetFiles(dir, "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal))
            {
                if (ImageExtensions.Contains(Path.GetExtension(file)))
                {
                    samples.Add(new EvalSample(file, label));
                }
            }
        }
        return samples;
    }

    public static IReadOnlyList<EvalSample> FromListFile(string root, string listFile)
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
                label >= ImageNetClasses.Count)
            {
                throw new InvalidInputFileException(listFile,
                    $"line {lineNumber}: expected 'relative/path label' with a label in [0, {ImageNetClasses.Count - 1}], got '{Shorten(line)}'");
            }
            samples.Add(new EvalSample(Path.Combine(root, line[..split].Trim()), label));
        }
        if (samples.Count == 0)
        {
            throw new InvalidInputFileException(listFile, "the list names no images");
        }
        return samples;
    }

    private static int? ClassOfFolder(string name)
    {
        if (ImageNetClasses.TryGetIndex(name, out int index))
        {
            return index;
        }
        return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < ImageNetClasses.Count ? n : null;
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
