namespace RexNet.IO;

/// <summary>An input file (weights, tensors, images) is malformed; the message names the file and the problem.</summary>
public sealed class InvalidInputFileException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}
