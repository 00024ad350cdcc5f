using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace RexNet.Cli;

/// <summary>
/// A command line that does not parse: one line naming what is wrong (with a suggestion for a misspelt command,
/// option or value) and one usage line, on stderr, exit 2. System.CommandLine finds the errors; this only words them.
/// </summary>
internal static class UsageErrors
{
    /// <summary>What is wrong with the command line, or null when the command may run.</summary>
    public static string? Find(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        bool errors = parse.Action is ParseErrorAction;
        if (!errors && !ReferenceEquals(parse.Action, command.Action))
        {
            return null;
        }
        // The cause first: a misspelt option explains the errors that follow from it (a missing value, a stray argument).
        if (OptionLikeArgument(parse) is { } token)
        {
            return Unmatched(command, token);
        }
        if (!errors)
        {
            return command is RexNetCommand rexnet ? rexnet.Checks.Select(check => check(parse)).FirstOrDefault(e => e is not null) : null;
        }
        if (parse.UnmatchedTokens.Count > 0)
        {
            return Unmatched(command, parse.UnmatchedTokens[0]);
        }
        // Then a missing argument, a bad value of one option or argument, then what the command's own checks found.
        if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && (parse.GetResult(a)?.Tokens.Count ?? 0) == 0) is { } missing)
        {
            return $"missing <{missing.HelpName ?? missing.Name}>: {missing.Description}";
        }
        return Sentence(parse.Errors.OrderBy(Rank).First().Message);
    }

    public static void Write(TextWriter stderr, Command command, string error)
    {
        string prefix = command is RootCommand ? "rexnet" : $"rexnet {command.Name}";
        stderr.WriteLine($"{prefix}: {RexNetCommand.OneLine(error)}");
        stderr.WriteLine($"usage: {Usage(command)} (see '{prefix} --help')");
    }

    /// <summary>The synopsis as the help's "Usage:" section writes it.</summary>
    public static string Usage(Command command)
    {
        if (command is RootCommand)
        {
            return "rexnet [command] [options]";
        }
        var parts = new List<string> { "rexnet", command.Name };
        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            string name = $"<{argument.HelpName ?? argument.Name}>" + (argument.Arity.MaximumNumberOfValues > 1 ? "..." : "");
            parts.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{name}]" : name);
        }
        parts.Add("[options]");
        return string.Join(' ', parts);
    }

    private static string Unmatched(Command command, string token)
    {
        if (token.Length > 1 && token[0] == '-')
        {
            var names = OptionNames(command);
            return $"unknown option '{token}'{Suggestions.Phrase(token, names)}";
        }
        if (command is RootCommand)
        {
            string suggestion = Suggestions.Phrase(token, command.Subcommands.Select(c => c.Name));
            return $"unknown command '{token}'{(suggestion.Length > 0 ? suggestion : "; 'rexnet --help' lists the commands")}";
        }
        return $"unexpected argument '{token}'";
    }

    /// <summary>The command's options and the ones it inherits (--help).</summary>
    private static IEnumerable<string> OptionNames(Command command)
    {
        var own = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
        var inherited = command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive))
            .SelectMany(o => o.Aliases.Prepend(o.Name));
        return own.Concat(inherited).Where(n => n.StartsWith("--", StringComparison.Ordinal));
    }

    /// <summary>
    /// System.CommandLine hands a token that looks like an option but is none (--tpo) to a command's positional
    /// arguments. Unless it follows "--", which ends the options, it is a misspelt option, not a file name.
    /// </summary>
    private static string? OptionLikeArgument(ParseResult parse)
    {
        int doubleDash = -1;
        for (int i = 0; i < parse.Tokens.Count; i++)
        {
            if (parse.Tokens[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }
        var afterDoubleDash = doubleDash < 0 ? [] : parse.Tokens.Skip(doubleDash + 1).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var argument in parse.CommandResult.Children.OfType<ArgumentResult>())
        {
            foreach (var token in argument.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-' && !afterDoubleDash.Contains(token))
                {
                    return token.Value;
                }
            }
        }
        return null;
    }

    /// <summary>What the user typed comes first: a bad or missing value of an option given, then the arguments, then
    /// options not given at all (required ones).</summary>
    private static int Rank(ParseError error) => error.SymbolResult switch
    {
        OptionResult { IdentifierTokenCount: > 0 } => 0,
        ArgumentResult { Parent: OptionResult { IdentifierTokenCount: > 0 } } => 0,
        ArgumentResult => 1,
        _ => 2,
    };

    /// <summary>System.CommandLine's sentences in our style: lower-case start, no final full stop, one line.</summary>
    private static string Sentence(string message)
    {
        string s = message.Trim().ReplaceLineEndings(" ").Replace('\t', ' ');
        if (s.EndsWith('.'))
        {
            s = s[..^1];
        }
        return s.Length > 1 && char.IsUpper(s[0]) && char.IsLower(s[1]) ? char.ToLowerInvariant(s[0]) + s[1..] : s;
    }
}
