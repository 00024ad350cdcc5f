using RexNet.Cli;

return CliApp.Run(args, CliConsole.FromProcess());
