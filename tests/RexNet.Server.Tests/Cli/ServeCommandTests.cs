using RexNet.Cli;

namespace RexNet.Server.Tests.Cli;

/// <summary>`rexnet serve` refuses bad flags and unloadable weights with one line and an exit code.</summary>
public sealed class ServeCommandTests
{
    private static (int Exit, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(["serve", .. args], new CliConsole(stdout, stderr, Stream.Null));
        return (exit, stderr.ToString());
    }

    [Theory]
    [InlineData("--max-batch must be an integer in [1, 1024], got '0'", "--weights", "w.safetensors", "--max-batch", "0")]
    [InlineData("--http-port and --grpc-port are both 9000", "--weights", "w.safetensors", "--http-port", "9000", "--grpc-port", "9000")]
    [InlineData("--host must be an IP address", "--weights", "w.safetensors", "--host", "my-host")]
    [InlineData("no weights: give --weights FILE", "--http-port", "0")]
    [InlineData("unknown option '--port'; did you mean one of '--http-port', '--grpc-port'?", "--port", "1")]
    [InlineData("--device must be auto, cpu, cuda or cuda:N (N = 0, 1, ... in the driver's order), got 'tpu'", "--weights", "w.safetensors", "--device", "tpu")]
    public void Usage_errors_exit_2(string message, params string[] args)
    {
        var (exit, stderr) = Run(args);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void Weights_that_cannot_load_are_one_line_and_exit_1()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"rexnet-missing-{Guid.NewGuid():N}.safetensors");
        var (exit, stderr) = Run("--weights", missing, "--http-port", "0", "--grpc-port", "0", "--device", "cpu", "--height", "32", "--width", "32");
        Assert.Equal(ExitCodes.Failure, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(missing, lines[0]);
    }
}
