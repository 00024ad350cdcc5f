namespace RexNet.IO;

/// <summary>An input file (weights, tensors, images, lists) is missing, unreadable or malformed; the
/// message names the file and the problem.</summary>
public sealed class InvalidInputFileException(string path, string problem, RexNetErrorCode code = RexNetErrorCode.InvalidFile, Exception? inner = null)
    : RexNetException(code, OneLine($"{path}: {problem}"), inner)
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;

    /// <summary>
    /// Problems quote names and header text from the file itself; control characters there (newlines,
    /// terminal escapes) become '?' so that the message stays one harmless line.
    /// </summary>
    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
