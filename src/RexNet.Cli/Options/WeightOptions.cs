using System.CommandLine;
using RexNet.Hub;
using RexNet.Model;
using RexNet.Weights;

namespace RexNet.Cli.Options;

/// <summary>
/// Which model with which weights: --weights FILE (the model read from the file, or checked against --model) or
/// --pretrained (timm's published ImageNet-1k weights of --model, from the hub cache or the hub).
/// </summary>
internal sealed class WeightOptions
{
    /// <summary>The model --pretrained downloads when --model is not given.</summary>
    public const string DefaultPretrained = "rexnet_100";

    public Option<string?> Model { get; } = ModelOption(
        $"the model (timm name or PaddleClas alias; 'rexnet zoo' lists them); read from --weights when left out, {DefaultPretrained} with --pretrained");

    public Option<string?> Weights { get; } = new("--weights")
    {
        Description = "weights in timm's layout (.safetensors, as timm, 'rexnet init' or 'hf download' give them)", HelpName = "FILE",
    };

    public Option<bool> Pretrained { get; } = CliOptions.Switch("--pretrained",
        "timm's published ImageNet-1k weights for --model, from the Hugging Face cache or downloaded (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE)");

    public void AddTo(RexNetCommand command)
    {
        command.Add(Model);
        command.Add(Weights);
        command.Add(Pretrained);
        command.AddCheck(Check);
    }

    private string? Check(ParseResult parse)
    {
        bool file = parse.GetValue(Weights) is not null, pretrained = parse.GetValue(Pretrained);
        if (file == pretrained)
        {
            return file
                ? "give either --weights FILE or --pretrained, not both"
                : "no weights: give --weights FILE (timm .safetensors) or --pretrained (timm's ImageNet weights from the hub)";
        }
        return pretrained && PretrainedEntry(parse)!.NoPretrainedReason is { } reason ? $"--pretrained: {reason}" : null;
    }

    /// <summary>The zoo entry --pretrained will download, or null for --weights FILE.</summary>
    public ZooEntry? PretrainedEntry(ParseResult parse) =>
        parse.GetValue(Pretrained) ? ModelZoo.Get(parse.GetValue(Model) ?? DefaultPretrained) : null;

    /// <summary>
    /// The --weights file with the --model asked for (null: the engine tells the model from the file), or for
    /// --pretrained timm's file from the hub cache or the hub, with a progress bar on stderr while it downloads.
    /// </summary>
    public (string Path, string? Model) Resolve(ParseResult parse, CliConsole console)
    {
        if (PretrainedEntry(parse) is not { } entry)
        {
            return (parse.GetValue(Weights)!, parse.GetValue(Model));
        }
        var bar = new ProgressLine(console);
        string label = $"{entry.HubRepository}/{PretrainedWeights.FileName}";
        long last = -1;
        string path = PretrainedWeights.Resolve(entry, progress: (received, total) =>
        {
            last = received;
            bar.Update(total is > 0 and var t
                ? $"downloading {label} {ProgressLine.Bar((double)received / t)} {received / 1e6:F1}/{t / 1e6:F1} MB"
                : $"downloading {label} {received / 1e6:F1} MB", total is > 0 and var u ? (double)received / u : null);
        }, notice: n => console.Error.WriteLine($"rexnet: {n}"));
        if (last >= 0)
        {
            bar.Finish($"downloaded {label} ({last / 1e6:F1} MB) to {path}");
        }
        return (path, entry.Name);
    }

    /// <summary>The zoo model the weights hold: <paramref name="model"/> when given (the engine checks the file against
    /// it), else read from the file. Its pretrained config gives the commands their eval defaults.</summary>
    public static ZooEntry EntryOf(string weightsPath, string? model)
    {
        if (model is not null)
        {
            return ModelZoo.Get(model);
        }
        using var file = SafeTensorsFile.Open(weightsPath);
        return ModelZoo.Get(ModelIdentification.Identify(file, null).Name);
    }

    /// <summary>--model: a zoo name or alias, checked while parsing (a misspelt name is a usage error with a
    /// suggestion) and completed by the shell; the value is the timm name.</summary>
    public static Option<string?> ModelOption(string description, string? defaultValue = null)
    {
        var option = new Option<string?>("--model")
        {
            Description = description, HelpName = "NAME",
            CustomParser = r =>
            {
                string text = r.Tokens[0].Value;
                if (ModelZoo.TryGet(text, out var entry))
                {
                    return entry.Name;
                }
                r.AddError($"unknown model '{text}'{Suggestions.Phrase(text, ModelZoo.Names)} ('rexnet zoo' lists them: " +
                           $"{string.Join(", ", ModelZoo.All.Select(e => e.Name))})");
                return null;
            },
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }
        option.CompletionSources.Add(ModelZoo.All.Select(e => e.Name).ToArray());
        return option;
    }
}
