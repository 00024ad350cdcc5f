using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RexNet.Evaluation;
using RexNet.Imaging;
using RexNet.IO;
using RexNet.Weights;

namespace RexNet.FineTuning;

/// <summary>
/// Extracted features on disk, so that training again with other settings skips the backbone. An entry is a
/// .safetensors file named by a SHA-256 key over everything the features depend on: the weights file's content,
/// the model, the preprocessing (EXIF orientation included), mirroring, and each image's path, size and modification time. An entry that is
/// unreadable or does not match its key is a miss and is overwritten; writes are atomic. The images that could not
/// be read are kept in the entry as path, error pairs, so that a hit lists them as the first run did.
/// </summary>
internal sealed class FeatureCache(string directory, string weightsPath)
{
    private const int FormatVersion = 1;
    private const string KeyEntry = "rexnet.feature_cache_key";
    private const string UnreadableEntry = "rexnet.unreadable";
    private const string FeaturesTensor = "features";
    private const string MirroredTensor = "mirrored";

    public string Directory { get; } = directory;

    /// <summary>The weights file's SHA-256, read once however many sets (training, validation) are keyed.</summary>
    private readonly Lazy<string> _weightsDigest = new(() => Convert.ToHexString(HashFile(weightsPath)));

    /// <summary>$XDG_CACHE_HOME/rexnet/features, else ~/.cache/rexnet/features.</summary>
    public static string DefaultDirectory() => Path.Combine(UserCache.Root(), "features");

    public string Key(string model, PreprocessOptions preprocess, bool mirrored, IReadOnlyList<string> images)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Field(string label, string value)
        {
            // Length-prefixed fields: no two different inputs concatenate to the same bytes.
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            hash.AppendData(Encoding.UTF8.GetBytes($"{label}:{bytes.Length}:"));
            hash.AppendData(bytes);
        }
        var inv = CultureInfo.InvariantCulture;
        Field("format", FormatVersion.ToString(inv));
        Field("weights", _weightsDigest.Value);
        Field("model", model);
        Field("preprocess", string.Create(inv, $"{preprocess.Preset}/{preprocess.Height}x{preprocess.Width}/{preprocess.CropPct:R}/{preprocess.ExifOrientation}"));
        Field("mirrored", mirrored ? "yes" : "no");
        foreach (string image in images)
        {
            var info = new FileInfo(image);
            Field("image", Path.GetFullPath(image));
            Field("stat", info.Exists ? string.Create(inv, $"{info.Length}/{info.LastWriteTimeUtc.Ticks}") : "missing");
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static byte[] HashFile(string path)
    {
        using var stream = InputFile.OpenRead(path);
        return InputFile.Guard(path, () => SHA256.HashData(stream));
    }

    private string PathOf(string key) => Path.Combine(Directory, key + ".safetensors");

    /// <summary>The cached features of <paramref name="images"/>, or null when there are none that can be trusted.</summary>
    public ExtractedFeatures? TryLoad(string key, IReadOnlyList<string> images, int featureCount, bool mirrored)
    {
        string path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var file = SafeTensorsFile.Open(path);
            if (!file.Metadata.TryGetValue(KeyEntry, out var stored) || stored != key ||
                !file.Metadata.TryGetValue(UnreadableEntry, out var unreadableJson) ||
                JsonStrings.TryParseArray(unreadableJson) is not { } unreadablePaths)
            {
                return null;
            }
            var indexOf = IndexOf(images);
            if (unreadablePaths.Length % 2 != 0 || Enumerable.Range(0, unreadablePaths.Length / 2).Any(i => !indexOf.ContainsKey(unreadablePaths[2 * i])))
            {
                return null;
            }
            var unreadable = Enumerable.Range(0, unreadablePaths.Length / 2)
                .Select(i => new UnreadableImage(unreadablePaths[2 * i], unreadablePaths[2 * i + 1]))
                .ToArray();
            var skipped = unreadable.Select(u => indexOf[u.Path]).ToHashSet();
            var rows = Enumerable.Range(0, images.Count).Where(i => !skipped.Contains(i)).ToArray();
            var features = Read(file, FeaturesTensor, rows.Length, featureCount);
            var mirror = mirrored ? Read(file, MirroredTensor, rows.Length, featureCount) : null;
            if (features is null || (mirrored && mirror is null))
            {
                return null;
            }
            return new ExtractedFeatures(features, mirror, rows, unreadable);
        }
        catch (RexNetException)
        {
            return null;
        }
    }

    private static FeatureMatrix? Read(SafeTensorsFile file, string name, int rows, int columns)
    {
        if (!file.Contains(name) || !file[name].Shape.SequenceEqual([rows, columns]))
        {
            return null;
        }
        return new FeatureMatrix(rows, columns, file.ReadFloat32(name));
    }

    public void Store(string key, ExtractedFeatures features)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var tensors = new List<TensorData>
        {
            new(FeaturesTensor, [features.Features.Rows, features.Features.Columns], features.Features.Data),
        };
        if (features.Mirrored is { } mirrored)
        {
            tensors.Add(new TensorData(MirroredTensor, [mirrored.Rows, mirrored.Columns], mirrored.Data));
        }
        SafeTensorsWriter.Write(PathOf(key), tensors, null, new Dictionary<string, string>
        {
            [KeyEntry] = key,
            [UnreadableEntry] = JsonStrings.Array(features.Unreadable.SelectMany(u => new[] { u.Path, u.Error }).ToArray()),
        });
    }

    private static Dictionary<string, int> IndexOf(IReadOnlyList<string> images) =>
        images.Select((path, i) => (path, i)).ToDictionary(p => p.path, p => p.i, StringComparer.Ordinal);
}
