using System.Diagnostics;
using System.Text;

namespace RexNet.Tests.Support;

internal sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Everything a failing assertion should show.</summary>
    public override string ToString() => $"{Command} exited {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs a program to completion with captured output; a run past its timeout is killed with its children.</summary>
internal static class ExternalProcess
{
    public static ProcessResult Run(string program, IEnumerable<string> arguments, TimeSpan timeout,
        string? workingDirectory = null, Action<IDictionary<string, string?>>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? TestPaths.RepoRoot,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        environment?.Invoke(start.Environment);
        string command = string.Join(' ', [program, .. start.ArgumentList]);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start {program}: {e.Message}", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{command} did not finish within {timeout.TotalSeconds:F0} s\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        }
        process.WaitForExit();
        return new ProcessResult(command, process.ExitCode, Text(stdout), Text(stderr));
    }

    private static void Append(StringBuilder sink, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (sink)
        {
            sink.AppendLine(line);
        }
    }

    private static string Text(StringBuilder sink)
    {
        lock (sink)
        {
            return sink.ToString();
        }
    }
}
