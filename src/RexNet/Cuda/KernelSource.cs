namespace RexNet.Cuda;

/// <summary>A kernel source or header: its file name (as #include spells it) and its text.</summary>
internal sealed record KernelSource(string Name, string Text);
