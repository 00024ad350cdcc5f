using System.Text.RegularExpressions;
using RexNet.Cli;
using RexNet.Tests.Support;

namespace RexNet.Tests.Docs;

/// <summary>The README's commands table and exit codes say what the command line does: each row is a command's usage and
/// description as its --help prints them, its options exist, and the exit-code table maps every error code as the CLI does.</summary>
public partial class ReadmeCommandsTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));

    private static string Section(string heading)
    {
        int start = Readme.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{heading}'");
        int end = Readme.IndexOf("\n#", start + heading.Length, StringComparison.Ordinal);
        return Readme[start..(end < 0 ? Readme.Length : end)];
    }

    [GeneratedRegex(@"^\| `(?<usage>rexnet (?<name>[a-z-]+)[^`]*)` \| (?<what>[^|]+) \| (?<options>.*) \|$", RegexOptions.Multiline)]
    private static partial Regex CommandRow();

    [GeneratedRegex(@"`(--[a-z-]+)")]
    private static partial Regex OptionName();

    [Fact]
    public void TheCommandsTableIsTheHelpOfEveryCommand()
    {
        var rows = CommandRow().Matches(Section("## Commands")).ToDictionary(m => m.Groups["name"].Value);
        var commands = CliApp.CreateCommands();
        Assert.Equal(commands.Select(c => c.Name).Order(), rows.Keys.Order());
        foreach (var command in commands)
        {
            var row = rows[command.Name];
            Assert.Equal(UsageErrors.Usage(command), row.Groups["usage"].Value);
            Assert.Equal(command.Description, row.Groups["what"].Value.Trim());
            var options = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet();
            foreach (Match option in OptionName().Matches(row.Groups["options"].Value))
            {
                Assert.True(options.Contains(option.Groups[1].Value), $"README lists {option.Groups[1].Value} for rexnet {command.Name}, which has no such option");
            }
        }
    }

    [Fact]
    public void TheExitCodeTableMapsEveryErrorCodeAsTheCliDoes()
    {
        string table = Section("### Exit codes");
        foreach (var code in Enum.GetValues<RexNetErrorCode>())
        {
            var row = table.Split('\n').Single(l => l.Contains($"`{code}`", StringComparison.Ordinal));
            Assert.StartsWith($"| {ExitCodes.Of(code)} |", row);
        }
        foreach (int exit in new[] { ExitCodes.Ok, ExitCodes.Failure, ExitCodes.Usage, ExitCodes.Internal })
        {
            Assert.Contains($"\n| {exit} | ", table);
        }
    }
}
