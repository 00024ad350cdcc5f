using RexNet.Cli;

return CommandLine.Run(args, Console.Out, Console.Error, Console.OpenStandardOutput());
