namespace RexNet.Cli;

/// <summary>The command line itself is wrong: reported with the command's usage line and exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
