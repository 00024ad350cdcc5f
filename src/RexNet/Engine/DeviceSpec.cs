using System.Globalization;

namespace RexNet;

/// <summary>
/// A device as users write it: "auto", "cpu", "cuda" (the first GPU) or "cuda:N" (the GPU with driver
/// ordinal N), case-insensitive. The CLI's --device, the server and the C API all parse it here.
/// </summary>
public readonly record struct DeviceSpec(DeviceKind Kind, int Index)
{
    public const string AcceptedForms = "auto, cpu, cuda or cuda:N (N = 0, 1, ... in the driver's order)";

    public static DeviceSpec Auto => new(DeviceKind.Auto, 0);
    public static DeviceSpec Cpu => new(DeviceKind.Cpu, 0);

    /// <summary>The device an engine's options ask for.</summary>
    public static DeviceSpec FromOptions(EngineOptions options) => new(options.Device, options.DeviceIndex);

    /// <summary>Throws <see cref="RexNetException"/> (InvalidArgument) naming the accepted forms.</summary>
    public static DeviceSpec Parse(string text) =>
        TryParse(text, out var spec)
            ? spec
            : throw new RexNetException(RexNetErrorCode.InvalidArgument, $"device '{text}' is not one of {AcceptedForms}");

    public static bool TryParse(string? text, out DeviceSpec spec)
    {
        spec = default;
        if (text is null)
        {
            return false;
        }
        if (text.Equals("auto", StringComparison.OrdinalIgnoreCase) || text.Equals("cpu", StringComparison.OrdinalIgnoreCase) ||
            text.Equals("cuda", StringComparison.OrdinalIgnoreCase))
        {
            spec = new DeviceSpec(Enum.Parse<DeviceKind>(text, ignoreCase: true), 0);
            return true;
        }
        const string prefix = "cuda:";
        // Digits only: int.TryParse alone would also take "+1", " 1" and "1_000"-like culture forms.
        if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && text.Length > prefix.Length &&
            text.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0 &&
            int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            spec = new DeviceSpec(DeviceKind.Cuda, index);
            return true;
        }
        return false;
    }

    /// <summary>The canonical form, which <see cref="Parse"/> reads back: "auto", "cpu" or "cuda:N".</summary>
    public override string ToString() => Kind switch
    {
        DeviceKind.Cuda => $"cuda:{Index.ToString(CultureInfo.InvariantCulture)}",
        DeviceKind.Cpu => "cpu",
        DeviceKind.Auto => "auto",
        _ => $"undefined device kind {(int)Kind}",
    };
}
