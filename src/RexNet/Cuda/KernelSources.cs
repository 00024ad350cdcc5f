using System.Reflection;

namespace RexNet.Cuda;

/// <summary>
/// The kernels/*.cu files and the kernels/*.cuh headers they include. The embedded set is read
/// from this assembly's resources; tests build their own sets.
/// </summary>
internal sealed class KernelSources
{
    private const string ResourcePrefix = "kernels/";

    public KernelSources(IReadOnlyList<KernelSource> sources, IReadOnlyList<KernelSource> headers)
    {
        Sources = sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToArray();
        Headers = headers.OrderBy(h => h.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Compilation units (*.cu), by name.</summary>
    public IReadOnlyList<KernelSource> Sources { get; }

    /// <summary>Headers (*.cuh), handed to every compilation so #include "x.cuh" resolves without a file system.</summary>
    public IReadOnlyList<KernelSource> Headers { get; }

    public KernelSource Get(string name) =>
        Sources.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"no kernel source '{name}'; known: {string.Join(", ", Sources.Select(s => s.Name))}");

    public static KernelSources Embedded { get; } = Load(typeof(KernelSources).Assembly);

    private static KernelSources Load(Assembly assembly)
    {
        var sources = new List<KernelSource>();
        var headers = new List<KernelSource>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var item = new KernelSource(resource[ResourcePrefix.Length..], reader.ReadToEnd());
            (item.Name.EndsWith(".cuh", StringComparison.Ordinal) ? headers : sources).Add(item);
        }
        return new KernelSources(sources, headers);
    }
}
