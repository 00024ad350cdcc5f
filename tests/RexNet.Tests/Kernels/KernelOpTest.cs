using RexNet.Tests.Kernels.Emulation;

namespace RexNet.Tests.Kernels;

/// <summary>One kernel op under test: its entry points, its cases and how to check a case against the CPU twin.</summary>
internal interface IKernelOpTest
{
    string Name { get; }

    /// <summary>The extern "C" entry points this op's cases launch.</summary>
    IReadOnlyList<string> EntryPoints { get; }

    IReadOnlyList<string> CaseNames { get; }

    /// <summary>Runs the named case through the kernel (emulated or on a GPU) and the CPU twin and compares them.</summary>
    void Check(string caseName, IKernelLauncher launcher);
}

/// <summary>
/// Base of the op tests: a subclass lists shapes (odd ones that stress boundaries, and real ReXNet ones)
/// and checks one shape; a shape's ToString is its case name.
/// </summary>
internal abstract class KernelOpTest<TShape> : IKernelOpTest where TShape : notnull
{
    public abstract string Name { get; }
    public abstract IReadOnlyList<string> EntryPoints { get; }
    protected abstract IEnumerable<TShape> Shapes { get; }
    protected abstract void Check(TShape shape, IKernelLauncher launcher);

    public IReadOnlyList<string> CaseNames => Shapes.Select(s => s.ToString()!).ToArray();

    public void Check(string caseName, IKernelLauncher launcher) =>
        Check(Shapes.Single(s => s.ToString() == caseName), launcher);
}
