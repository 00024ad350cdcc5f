using System.CommandLine;
using RexNet.Cli;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cli;

/// <summary>
/// How the command line reports what a command throws: a RexNetException as one line with the exit code of
/// its error code; anything else as a bug, one line saying so and where the full trace was written, exit 70.
/// </summary>
public class ExitCodeTests
{
    /// <summary>A command that throws what the test gives it.</summary>
    private sealed class Throwing : RexNetCommand
    {
        private readonly Func<Exception> _failure;

        public Throwing(Func<Exception> failure) : base("throw", "throws what the test gives it")
        {
            _failure = failure;
            Add(new Option<string>("--x") { Description = "a value" });
        }

        protected override int Execute(ParseResult parse, CliConsole console) => throw _failure();
    }

    private static CliResult Run(Exception failure, params string[] args) => CliRunner.Run([new Throwing(() => failure)], ["throw", .. args]);

    [Theory]
    [InlineData(RexNetErrorCode.InvalidArgument, 2)]
    [InlineData(RexNetErrorCode.InvalidFile, 1)]
    [InlineData(RexNetErrorCode.NotFound, 1)]
    [InlineData(RexNetErrorCode.DeviceUnavailable, 1)]
    [InlineData(RexNetErrorCode.DeviceFailure, 1)]
    [InlineData(RexNetErrorCode.Internal, 70)]
    public void EachErrorCodeHasItsExitCodeAndOneLine(RexNetErrorCode code, int exit)
    {
        var r = Run(new RexNetException(code, "what went wrong,\nover two lines"));
        Assert.Equal(exit, r.ExitCode);
        Assert.Equal(exit, ExitCodes.Of(code));
        Assert.Equal("rexnet throw: what went wrong, over two lines", Assert.Single(r.StderrLines));
        Assert.Empty(r.StdoutBytes);
    }

    [Fact]
    public void EveryErrorCodeIsMapped()
    {
        foreach (var code in Enum.GetValues<RexNetErrorCode>())
        {
            Assert.Contains(ExitCodes.Of(code), new[] { ExitCodes.Failure, ExitCodes.Usage, ExitCodes.Internal });
        }
    }

    [Fact]
    public void ASubclassKeepsItsCode()
    {
        var r = Run(new RexNet.IO.InvalidInputFileException("x.npy", "truncated", RexNetErrorCode.InvalidFile));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("rexnet throw: x.npy: truncated", Assert.Single(r.StderrLines));
    }

    [Fact]
    public void AUsageErrorAddsTheUsageLine()
    {
        var r = CliRunner.Run([new Throwing(() => new InvalidOperationException("never"))], "throw", "--y", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(["rexnet throw: unknown option '--y'; did you mean '--x'?", "usage: rexnet throw [options] (see 'rexnet throw --help')"], r.StderrLines);
        Assert.Empty(r.StdoutBytes);
    }

    public static TheoryData<Exception> Bugs => new()
    {
        new InvalidOperationException("an invariant broke"),
        new NullReferenceException(),
        new IndexOutOfRangeException("Index was outside the bounds of the array."),
        new IOException("an I/O error nobody wrapped"),
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void AnythingElseIsABugWithATraceFile(Exception bug)
    {
        var r = Run(bug, "--x", "an-argument");
        Assert.Equal(70, r.ExitCode);
        string line = Assert.Single(r.StderrLines);
        string prefix = $"rexnet throw: internal error ({bug.GetType().Name}: {bug.Message}); please report this bug with the trace in ";
        Assert.StartsWith(prefix, line);
        string trace = line[prefix.Length..];
        try
        {
            Assert.True(File.Exists(trace), trace);
            string text = File.ReadAllText(trace);
            Assert.StartsWith("rexnet throw --x an-argument\n", text);
            Assert.Contains(bug.GetType().FullName!, text);
            Assert.Contains("   at RexNet.Tests.Cli.ExitCodeTests.Throwing.Execute(", text);
        }
        finally
        {
            File.Delete(trace);
        }
    }
}
