using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace RexNet.Cli;

/// <summary>`rexnet --version`: the version, and the git commit it was built from when built from a checkout
/// (the SDK appends the commit to the informational version as "+SHA").</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Text
    {
        get
        {
            string informational = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(VersionAction).Assembly.GetName().Version?.ToString() ?? "unknown";
            int plus = informational.IndexOf('+');
            string source = plus < 0 ? "not built from a git checkout" : $"commit {informational[(plus + 1)..]}";
            string version = plus < 0 ? informational : informational[..plus];
            return $"rexnet {version} ({source}; .NET {Environment.Version})";
        }
    }

    public override int Invoke(ParseResult parse)
    {
        parse.InvocationConfiguration.Output.WriteLine(Text);
        return ExitCodes.Ok;
    }
}
