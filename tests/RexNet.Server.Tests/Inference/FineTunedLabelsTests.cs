using RexNet.Model;
using RexNet.Server.Tests.Support;
using RexNet.Weights;

namespace RexNet.Server.Tests.Inference;

/// <summary>A fine-tuned weights file is served with its own head size and class labels.</summary>
public sealed class FineTunedLabelsTests
{
    private static readonly string[] Labels = ["daisy", "rose", "tulip"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_weights_labels_name_the_classification_results()
    {
        string dir = Directory.CreateTempSubdirectory("rexnet-serve-labels-").FullName;
        try
        {
            // As rexnet finetune writes it: a 3-row head and the labels as a JSON array in the metadata.
            string weights = Path.Combine(dir, "flowers.safetensors");
            SafeTensorsWriter.Write(weights, RandomInit.Create(ModelSpec.FromZoo("rexnet_100", 3), seed: 4), null,
                new Dictionary<string, string> { ["rexnet.model"] = "rexnet_100", ["rexnet.labels"] = """["daisy","rose","tulip"]""" });
            await using var servers = await TestServers.InProcessAsync(TestModels.Options() with { FoldedWeights = null, Weights = weights, ModelName = "flowers" });

            using var metadata = System.Text.Json.JsonDocument.Parse(await servers.Http.GetStringAsync("/v2/models/flowers", Token));
            Assert.Equal(3, metadata.RootElement.GetProperty("outputs")[0].GetProperty("shape")[1].GetInt32());

            var images = TestModels.Images(1, seed: 31);
            string body = Requests.Fp32Json(images, 1, outputs: Requests.Output(classification: 3));
            using var response = await servers.Http.PostAsync("/v2/models/flowers/infer", Requests.Json(body), Token);
            using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
            var parts = Requests.JsonStrings(document).Select(s => s.Split(':', 3)).ToArray();

            using var engine = RexNetEngine.Create(new EngineOptions { Weights = weights, Height = TestModels.Size, Width = TestModels.Size, Device = DeviceKind.Cpu });
            var logits = new float[3];
            engine.Run(images, logits);
            int best = Array.IndexOf(logits, logits.Max());
            Assert.Equal(3, parts.Length);
            Assert.Equal((best.ToString(System.Globalization.CultureInfo.InvariantCulture), Labels[best]), (parts[0][1], parts[0][2]));
            Assert.Equal(Labels.Order(), parts.Select(p => p[2]).Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
