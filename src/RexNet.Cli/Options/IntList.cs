namespace RexNet.Cli.Options;

/// <summary>
/// The value of a list option such as --batch 1,4,8. Not a collection on purpose: help prints a collection's
/// default as 1|4|8, and this one prints as it is typed.
/// </summary>
internal sealed record IntList(int[] Values)
{
    public override string ToString() => string.Join(',', Values);
}
