using System.CommandLine;
using System.Globalization;
using RexNet.Cli.Reports;
using RexNet.Model;

namespace RexNet.Cli.Commands;

/// <summary>`rexnet zoo`: every model with its channel plan summary, parameters, FLOPs at 224x224 and pretrained weights.</summary>
internal sealed class ZooCommand : RexNetCommand
{
    private readonly ReportOptions _report = new(csv: true);

    public ZooCommand() : base("zoo", "List the models: width, channel divisor, parameters, FLOPs at 224x224, and timm's pretrained weights with their eval settings.")
    {
        _report.AddTo(this);
    }

    public override IReadOnlyList<(string CommandLine, string What)> Examples =>
    [
        ("rexnet zoo", "the table"),
        ("rexnet zoo --json", "the same as JSON, for scripts"),
    ];

    protected override int Execute(ParseResult parse, CliConsole console)
    {
        var target = _report.Open(parse, console, []);
        var rows = ModelZoo.All.Select(Row).ToArray();
        var w = target.Human;
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine($"{"model",-12} {"alias",-11} {"width",5} {"div",3} {"params(M)",9} {"timm(M)",8} {"FLOPs(G)",8}  {"pretrained (eval size, crop)",-40}");
        foreach (var r in rows)
        {
            string pretrained = r.PretrainedTag is null ? "none published" : $"{r.PretrainedTag} ({r.EvalSize}, {r.EvalCropPct?.ToString(inv)})";
            w.WriteLine(string.Format(inv, "{0,-12} {1,-11} {2,5:0.0} {3,3} {4,9:0.000} {5,8:0.00} {6,8:0.000}  {7}",
                r.Name, r.Alias ?? "-", r.WidthMult, r.ChDiv, r.ParamsWithBnStats / 1e6, r.ParamsTrainable / 1e6, r.Flops224 / 1e9, pretrained));
        }
        w.WriteLine();
        w.WriteLine("params(M): PaddleClas' count, BatchNorm running mean and variance included; timm(M): trainable only.");
        w.WriteLine("FLOPs: conv/linear multiply-adds + 2 per BatchNorm output + 1 per pooled input element, at 224x224.");
        w.WriteLine("pretrained: the tag of timm's ImageNet-1k weights on the hub (timm/MODEL.TAG), with its eval input size and crop fraction,");
        w.WriteLine("which predict, eval and export-onnx use by default; --pretrained refuses the models timm publishes no weights for.");
        target.Write(rows, Csv);
        return ExitCodes.Ok;
    }

    private static ZooModel Row(ZooEntry e)
    {
        var spec = ModelSpec.FromEntry(e);
        var cost = ModelCost.Compute(spec);
        return new ZooModel(e.Name, e.SeedAlias, e.WidthMultiplier, e.ChannelDivisor, spec.StemChannels, spec.PenultimateChannels,
            cost.ParametersWithBnStatistics, cost.TrainableParameters, cost.Flops, e.HubRepository, e.Pretrained?.Tag,
            e.Pretrained?.EvalSize, e.Pretrained?.EvalCropPct, e.Pretrained?.License, e.NoPretrainedReason);
    }

    private static CsvTable Csv(ZooModel[] rows)
    {
        var table = new CsvTable("name", "alias", "width_mult", "ch_div", "params_with_bn_stats", "params_trainable", "flops_224",
            "hub", "pretrained_tag", "eval_size", "eval_crop_pct", "license");
        foreach (var r in rows)
        {
            table.Add(r.Name, r.Alias, r.WidthMult, r.ChDiv, r.ParamsWithBnStats, r.ParamsTrainable, r.Flops224, r.Hub, r.PretrainedTag,
                r.EvalSize, r.EvalCropPct, r.License);
        }
        return table;
    }
}
