using System.CommandLine;
using System.Text.RegularExpressions;
using RexNet.Cli;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cli;

/// <summary>Every command's --help: reachable by -h, --help and -?, a description for every option and argument,
/// defaults shown, examples; the overview, --version, completions and the end of options.</summary>
public partial class HelpTests
{
    public static TheoryData<string> Commands => new(CliApp.CreateCommands().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryCommandHasFullHelpUnderEachSpelling(string name)
    {
        var command = CliApp.CreateCommands().Single(c => c.Name == name);
        var help = CliRunner.Run(name, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Empty(help.Stderr);
        foreach (string spelling in new[] { "-h", "-?" })
        {
            var again = CliRunner.Run(name, spelling);
            Assert.Equal(0, again.ExitCode);
            Assert.Equal(help.Stdout, again.Stdout);
        }

        string text = help.Stdout;
        Assert.StartsWith($"Description:\n  {command.Description}\n\nUsage:\n  {UsageErrors.Usage(command)}\n", text);
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
        foreach (var argument in command.Arguments)
        {
            Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{name} <{argument.Name}> has no description");
            Assert.Contains($"<{argument.Name}>  ", text);
        }
        foreach (var option in command.Options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{name} {option.Name} has no description");
            string line = text.Split('\n').Single(l => l.TrimStart().StartsWith(option.Name + " ", StringComparison.Ordinal) ||
                                                        l.TrimStart().StartsWith(option.Name + ",", StringComparison.Ordinal) ||
                                                        l.Contains(", " + option.Name + " ", StringComparison.Ordinal));
            Assert.Contains(option.Description!, line);
            if (option.HasDefaultValue && option.Arity.MaximumNumberOfValues > 0)
            {
                Assert.Contains("[default: ", line);
            }
        }
        Assert.NotEmpty(command.Examples);
        Assert.Contains("Examples:\n", text);
        foreach (var (commandLine, what) in command.Examples)
        {
            Assert.Contains($"rexnet {name} ", commandLine + " ");
            Assert.Contains($"  {commandLine}\n      {what}\n", text);
        }
    }

    [Fact]
    public void OptionsWithoutAFixedDefaultSayWhatHappensWhenLeftOut()
    {
        // Values whose default depends on the model or the machine name it in the description instead.
        foreach (var command in CliApp.CreateCommands())
        {
            foreach (var option in command.Options.Where(o => !o.HasDefaultValue && o.Name is "--size" or "--crop-pct" or "--threads" or "--preset" or "--exif-orientation" or "--engines"))
            {
                Assert.Contains("default: ", option.Description);
            }
        }
    }

    [Fact]
    public void TheOverviewListsEveryCommandAndTheExitCodes()
    {
        var help = CliRunner.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in CliApp.CreateCommands())
        {
            Assert.Matches($"\n  {Regex.Escape(command.Name)}( <[A-Z_]+>)? +{Regex.Escape(command.Description!)}\n", help.Stdout);
        }
        Assert.Contains("Exit codes:\n  0   success\n  1   ", help.Stdout);
        Assert.Contains("\n  2   usage", help.Stdout);
        Assert.Contains("\n  70  a bug", help.Stdout);

        // With no command at all the overview is a usage error, on stderr.
        var none = CliRunner.Run();
        Assert.Equal(2, none.ExitCode);
        Assert.Empty(none.StdoutBytes);
        Assert.Equal(help.Stdout, none.Stderr);
    }

    [Fact]
    public void VersionNamesTheCommitWhenBuiltFromACheckout()
    {
        var r = CliRunner.Run("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(VersionLine(), r.Stdout.TrimEnd());
        Assert.Equal(VersionAction.Text, r.Stdout.TrimEnd());
    }

    [GeneratedRegex(@"^rexnet \d+\.\d+\.\d+(-[0-9A-Za-z.]+)? \((commit [0-9a-f]{7,40}|not built from a git checkout); \.NET \d+\.\d+\.\d+\)$")]
    private static partial Regex VersionLine();

    [Fact]
    public void CompletionsListCommandsOptionsAndModels()
    {
        // dotnet-suggest passes the cursor position and the whole line, as a shell completion script does.
        Assert.Equal(["predict", "preprocess"], Suggest("pre"));
        Assert.Equal(["rexnetr_100", "rexnetr_130", "rexnetr_150", "rexnetr_200", "rexnetr_300"], Suggest("predict x.jpg --model rexnetr_"));
        Assert.Contains("--top", Suggest("predict x.jpg --"));
        Assert.Contains("cuda:0", Suggest("bench --device cuda:"));
        Assert.Equal(["ignore"], Suggest("eval data --exif-orientation ig"));
    }

    private static string[] Suggest(string line) => Lines(CliRunner.Run($"[suggest:{line.Length}]", line));

    private static string[] Lines(CliResult r)
    {
        Assert.Equal(0, r.ExitCode);
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [Fact]
    public void DoubleDashEndsTheOptions()
    {
        // After "--" a name that looks like an option is an image path: the error is about the file, exit 1.
        using var dir = TestPaths.TempDir();
        string weights = dir.File("w.safetensors");
        RexNet.Weights.RandomInit.WriteFile(RexNet.Model.ModelSpec.FromZoo("rexnet_100"), 1, weights);
        var r = CliRunner.Run("predict", "--weights", weights, "--device", "cpu", "--", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("rexnet predict: --json: no such file or folder", Assert.Single(r.StderrLines));

        // Without it, the same word is the option (and the images are missing).
        var usage = CliRunner.Run("predict", "--weights", weights, "--json");
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("rexnet predict: missing <IMAGE>", usage.StderrLines[0]);
    }
}
