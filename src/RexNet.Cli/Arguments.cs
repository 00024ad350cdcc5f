using System.Globalization;

namespace RexNet.Cli;

/// <summary>A strict parser: unknown options, missing values and repeated options are usage errors.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positionals { get; }

    public Arguments(string[] args, IReadOnlyCollection<string> flags, IReadOnlyCollection<string> switches)
    {
        var positionals = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                positionals.Add(a);
                continue;
            }
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (name == "help" || switches.Contains(name))
            {
                if (value is not null)
                {
                    throw new UsageException($"--{name} takes no value");
                }
                _switches.Add(name);
                continue;
            }
            if (!flags.Contains(name))
            {
                throw new UsageException($"unknown option --{name}");
            }
            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"--{name} needs a value");
                }
                value = args[++i];
            }
            if (!_values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} given twice");
            }
        }
        Positionals = positionals;
    }

    public bool Has(string name) => _switches.Contains(name) || _values.ContainsKey(name);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required");

    public int GetInt(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            throw new UsageException($"--{name} must be an integer in [{min}, {max}], got '{text}'");
        }
        return v;
    }

    /// <summary>A finite number in [min, max]; <paramref name="minExclusive"/> leaves min itself out.</summary>
    public double? GetDouble(string name, double min, double max, bool minExclusive = false)
    {
        string? text = Get(name);
        if (text is null)
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) ||
            v < min || (minExclusive && v == min) || v > max)
        {
            throw new UsageException($"--{name} must be a number in {(minExclusive ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got '{text}'");
        }
        return v;
    }

    public IReadOnlyList<int> GetIntList(string name, IReadOnlyList<int> fallback, int min = 1, int max = 4096)
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }
        var result = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            {
                throw new UsageException($"--{name} must be a comma-separated list of integers in [{min}, {max}], got '{text}'");
            }
            result.Add(v);
        }
        return result;
    }

    public T GetEnum<T>(string name, T fallback) where T : struct, Enum
    {
        string? text = Get(name);
        if (text is null)
        {
            return fallback;
        }
        // Exact names only: Enum.TryParse would also take numbers, " cpu" and flag lists such as "cpu,auto".
        string? match = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            throw new UsageException($"--{name} must be one of {string.Join("|", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, got '{text}'");
        }
        return Enum.Parse<T>(match);
    }

    /// <summary>Fails when positionals were given to a command that takes none.</summary>
    public void NoPositionals()
    {
        if (Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument '{Positionals[0]}'");
        }
    }
}
