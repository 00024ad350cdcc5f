using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RexNet.Cli.Options;

/// <summary>
/// Options as every command spells them: one value per option, numbers checked against their range with a message
/// that names the option, the range and what was given, and choices completed by the shell.
/// </summary>
internal static class CliOptions
{
    /// <summary>A flag without a value: --json, --pretrained.</summary>
    public static Option<bool> Switch(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<int> Int(string name, string description, int defaultValue, int min, int max, string helpName = "N") =>
        new(name)
        {
            Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseInt(r, name, min, max),
        };

    /// <summary>An integer whose default depends on other options or the machine; null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min, int max, string helpName = "N") =>
        new(name) { Description = description, HelpName = helpName, CustomParser = r => ParseInt(r, name, min, max) };

    /// <summary>A comma-separated list of integers: --batch 1,4,8.</summary>
    public static Option<IntList> IntList(string name, string description, int[] defaultValue, int min, int max) =>
        new(name)
        {
            Description = description, HelpName = "N,N,...", DefaultValueFactory = _ => new IntList(defaultValue),
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                var values = new List<int>();
                foreach (string part in text.Split(','))
                {
                    if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
                    {
                        r.AddError($"{name} must be a comma-separated list of integers in [{min}, {max}], got '{text}'");
                        return new IntList([]);
                    }
                    values.Add(v);
                }
                return new IntList([.. values]);
            },
        };

    /// <summary>A finite number in [min, max] (min itself left out when <paramref name="minExclusive"/>); null when not given.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min, double max, bool minExclusive = false) =>
        new(name) { Description = description, HelpName = "F", CustomParser = r => ParseNumber(r, name, min, max, minExclusive) };

    public static Option<double> Number(string name, string description, double defaultValue, double min, double max) =>
        new(name)
        {
            Description = description, HelpName = "F", DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseNumber(r, name, min, max, minExclusive: false) ?? defaultValue,
        };

    /// <summary>A fraction in (0, 1]: --crop-pct.</summary>
    public static Option<double?> Fraction(string name, string description) =>
        new(name)
        {
            Description = description, HelpName = "F",
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0 && v <= 1))
                {
                    r.AddError($"{name} must be a number in (0, 1], got '{text}'");
                    return null;
                }
                return v;
            },
        };

    /// <summary>One of an enum's names, case-insensitive, written in lower case in help and completions; null when not
    /// given, the default being named in the description.</summary>
    public static Option<T?> Choice<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        string[] names = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<T?>(name)
        {
            Description = $"{description} (default: {defaultValue.ToString().ToLowerInvariant()})", HelpName = string.Join('|', names),
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                // Exact names only: Enum.TryParse would also take numbers, " cpu" and flag lists such as "cpu,auto".
                if (Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } match)
                {
                    return Enum.Parse<T>(match);
                }
                r.AddError($"{name} must be one of {string.Join(", ", names)}, got '{text}'{Suggestions.Phrase(text, names)}");
                return null;
            },
        };
        // In place of System.CommandLine's own enum completions, which are capitalised as the members are.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>A path; "-" where the command says so is standard input or output.</summary>
    public static Option<string> Path(string name, string description, bool required = false, string helpName = "FILE") =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    /// <summary>--device as <see cref="DeviceSpec"/> reads it (auto, cpu, cuda, cuda:N).</summary>
    public static Option<DeviceSpec> Device(DeviceSpec defaultValue, string description = "where to run")
    {
        var option = new Option<DeviceSpec>("--device")
        {
            Description = $"{description}: auto (CUDA when usable, else the CPU), cpu, cuda, or cuda:N for the N-th GPU",
            HelpName = "DEVICE", DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                if (DeviceSpec.TryParse(text, out var device))
                {
                    return device;
                }
                r.AddError($"--device must be {DeviceSpec.AcceptedForms}, got '{text}'");
                return defaultValue;
            },
        };
        option.CompletionSources.Add("auto", "cpu", "cuda", "cuda:0");
        return option;
    }

    /// <summary>--gemm: how the CUDA backend runs the 1x1 convolutions.</summary>
    public static Option<CudaGemm?> Gemm() =>
        Choice("--gemm", "the CUDA backend's 1x1 convolutions: our fused kernels, or cuBLAS SGEMMs with an epilogue kernel each", CudaGemm.Kernels);

    /// <summary>--threads for CPU work; more than the machine's cores only slows it down, so that is warned about.</summary>
    public static Option<int?> Threads(string what = "CPU threads") =>
        OptionalInt("--threads", $"{what} (default: all {Environment.ProcessorCount} logical cores)", 1, 1024);

    /// <summary>The --threads value, with a warning on stderr when it exceeds the logical cores.</summary>
    public static int? Threads(ParseResult parse, Option<int?> option, CliConsole console, string command)
    {
        int? threads = parse.GetValue(option);
        if (threads > Environment.ProcessorCount)
        {
            console.Error.WriteLine($"rexnet {command}: warning: --threads {threads} is more than the {Environment.ProcessorCount} logical cores " +
                                    "of this machine; the extra threads only take turns on them");
        }
        return threads;
    }

    private static double? ParseNumber(ArgumentResult r, string name, double min, double max, bool minExclusive)
    {
        string text = r.Tokens[0].Value;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) ||
            v < min || (minExclusive && v == min) || v > max)
        {
            var inv = CultureInfo.InvariantCulture;
            r.AddError($"{name} must be a number in {(minExclusive ? "(" : "[")}{min.ToString(inv)}, {max.ToString(inv)}], got '{text}'");
            return null;
        }
        return v;
    }

    private static int ParseInt(ArgumentResult r, string name, int min, int max)
    {
        string text = r.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            r.AddError($"{name} must be an integer in [{min}, {max}], got '{text}'");
            return min;
        }
        return v;
    }
}
