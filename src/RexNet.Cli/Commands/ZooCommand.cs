using System.Globalization;
using System.Text.Json;
using RexNet.Model;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet zoo`: every model with its channel plan summary, parameters and FLOPs at 224x224.</summary>
internal sealed class ZooCommand : ICommand
{
    public string Name => "zoo";
    public string Summary => "list the models with parameters and FLOPs at 224x224";
    public string Usage => "[--json]";
    public IReadOnlyCollection<string> Flags => [];
    public IReadOnlyCollection<string> Switches => ["json"];

    public int Execute(Arguments args, TextWriter stdout, TextWriter stderr, Stream rawStdout)
    {
        args.NoPositionals();
        var rows = ModelZoo.All.Select(e =>
        {
            var spec = ModelSpec.FromEntry(e);
            var cost = ModelCost.Compute(spec);
            return new
            {
                name = e.Name,
                alias = e.SeedAlias,
                width_mult = e.WidthMultiplier,
                ch_div = e.ChannelDivisor,
                stem_channels = spec.StemChannels,
                penultimate_channels = spec.PenultimateChannels,
                params_with_bn_stats = cost.ParametersWithBnStatistics,
                params_trainable = cost.TrainableParameters,
                flops_224 = cost.Flops,
                hub = e.HubRepository,
            };
        }).ToArray();

        if (args.Has("json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
            return CommandLine.ExitOk;
        }
        var inv = CultureInfo.InvariantCulture;
        stdout.WriteLine($"{"model",-12} {"alias",-11} {"width",5} {"div",3} {"params(M)",9} {"timm(M)",8} {"FLOPs(G)",8}");
        foreach (var r in rows)
        {
            stdout.WriteLine(string.Format(inv, "{0,-12} {1,-11} {2,5:0.0} {3,3} {4,9:0.000} {5,8:0.00} {6,8:0.000}",
                r.name, r.alias ?? "-", r.width_mult, r.ch_div, r.params_with_bn_stats / 1e6, r.params_trainable / 1e6, r.flops_224 / 1e9));
        }
        stdout.WriteLine();
        stdout.WriteLine("params(M): PaddleClas' count, BatchNorm running mean and variance included; timm(M): trainable only.");
        stdout.WriteLine("FLOPs: conv/linear multiply-adds + 2 per BatchNorm output + 1 per pooled input element, at 224x224.");
        return CommandLine.ExitOk;
    }
}
