using System.Globalization;
using System.Text.RegularExpressions;

namespace RexNet.Cuda;

/// <summary>
/// Parses the "ptxas info" lines that --ptxas-options=-v adds to NVRTC's log. Per entry point ptxas
/// writes "Compiling entry function 'k' for 'sm_80'", then "Function properties for k" followed by the
/// stack frame and spill line, then "Used N registers, ... M bytes smem, ...". Newer ptxas versions
/// insert other fields (barriers, cmem) into that last line, so each number is matched on its own.
/// </summary>
internal static partial class PtxasReport
{
    public static IReadOnlyList<KernelResourceUsage> Parse(string log)
    {
        var result = new List<KernelResourceUsage>();
        KernelResourceUsage? current = null;
        string? propertiesFor = null;
        foreach (var rawLine in log.Split('\n'))
        {
            string line = rawLine.Trim();
            if (EntryLine().Match(line) is { Success: true } entry)
            {
                if (current is not null)
                {
                    result.Add(current);
                }
                current = new KernelResourceUsage(entry.Groups[1].Value, entry.Groups[2].Value, 0, 0, 0, 0, 0);
                propertiesFor = null;
            }
            else if (PropertiesLine().Match(line) is { Success: true } properties)
            {
                propertiesFor = properties.Groups[1].Value;
            }
            else if (current is not null && propertiesFor == current.Kernel && StackLine().Match(line) is { Success: true } stack)
            {
                current = current with
                {
                    StackFrameBytes = Int(stack.Groups[1]),
                    SpillStoreBytes = Int(stack.Groups[2]),
                    SpillLoadBytes = Int(stack.Groups[3]),
                };
            }
            else if (current is not null && RegistersField().Match(line) is { Success: true } registers)
            {
                var shared = SharedField().Match(line);
                current = current with
                {
                    Registers = Int(registers.Groups[1]),
                    SharedMemoryBytes = shared.Success ? Int(shared.Groups[1]) : 0,
                };
            }
        }
        if (current is not null)
        {
            result.Add(current);
        }
        return result;
    }

    private static int Int(Group g) => int.Parse(g.Value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Compiling entry function '([^']+)' for '([^']+)'")]
    private static partial Regex EntryLine();

    [GeneratedRegex(@"Function properties for (\S+)")]
    private static partial Regex PropertiesLine();

    [GeneratedRegex(@"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")]
    private static partial Regex StackLine();

    [GeneratedRegex(@"Used (\d+) registers")]
    private static partial Regex RegistersField();

    [GeneratedRegex(@"(\d+) bytes smem")]
    private static partial Regex SharedField();
}
