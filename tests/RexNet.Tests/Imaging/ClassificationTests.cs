using RexNet.Imaging;
using RexNet.Model;
using RexNet.Tests.Support;
using RexNet.Weights;
using SkiaSharp;

namespace RexNet.Tests.Imaging;

/// <summary>Class lists, softmax/top-k, and the classify API on a random-init engine (predictions are meaningless; their shape is not).</summary>
public class ClassificationTests
{
    internal const int Size = 64;

    internal static RexNetEngine RandomEngine(int maxBatch) => RexNetEngine.Create(new EngineOptions
    {
        Model = "rexnet_100",
        FoldedWeights = RandomInit.CreateFolded(ModelSpec.FromZoo("rexnet_100"), seed: 3),
        Device = DeviceKind.Cpu, MaxBatch = maxBatch, Height = Size, Width = Size,
    });

    [Fact]
    public void TheEmbeddedClassListsAreTheStandardOrder()
    {
        Assert.Equal(1000, ImageNetClasses.Synsets.Count);
        Assert.Equal(1000, ImageNetClasses.Labels.Count);
        Assert.Equal("n01440764", ImageNetClasses.Synsets[0]);
        Assert.Equal("tench, Tinca tinca", ImageNetClasses.Labels[0]);
        Assert.True(ImageNetClasses.TryGetIndex("n02123045", out int tabby));
        Assert.Equal(281, tabby);
        Assert.Equal("tabby, tabby cat", ImageNetClasses.Labels[281]);
        Assert.Equal(ImageNetClasses.Synsets.Order(StringComparer.Ordinal), ImageNetClasses.Synsets);
    }

    [Fact]
    public void SoftmaxSumsToOneAndTopKIsOrderedWithTiesToTheLowerIndex()
    {
        var logits = new float[1000];
        logits[7] = 5;
        logits[3] = 2;
        logits[9] = 2;
        logits[500] = 1000; // large logits must not overflow
        var p = TopK.Softmax(logits);
        Assert.Equal(1.0, p.Sum(x => (double)x), 1e-6);
        Assert.Equal([500, 7, 3, 9], TopK.Indices(logits, 4));

        var top = TopK.Predictions(logits, 3);
        Assert.Equal(500, top[0].ClassIndex);
        Assert.Equal(ImageNetClasses.Synsets[500], top[0].Synset);
        Assert.Equal(ImageNetClasses.Labels[500], top[0].Label);
        Assert.True(top[0].Probability > 0.99f);
    }

    [Fact]
    public void ClassifyFromPathStreamAndImageAgreeAndBatchesMatchSingles()
    {
        using var dir = TestPaths.TempDir();
        var paths = new List<string>();
        var images = new List<RgbImage>();
        for (int i = 0; i < 3; i++)
        {
            images.Add(TestImages.Noise(90 + 10 * i, 70, 20 + i));
            string path = dir.File($"img{i}.png");
            File.WriteAllBytes(path, TestImages.Encode(images[i], SKEncodedImageFormat.Png));
            paths.Add(path);
        }

        using var engine = RandomEngine(maxBatch: 2);
        var batched = engine.ClassifyBatch(paths, topK: 5);
        Assert.Equal(3, batched.Count);
        for (int i = 0; i < 3; i++)
        {
            var single = engine.Classify(paths[i], topK: 5);
            Assert.Equal(5, single.Count);
            Assert.Equal(single.Select(p => p.ClassIndex), batched[i].Select(p => p.ClassIndex));
            for (int k = 0; k < 5; k++)
            {
                Assert.Equal(single[k].Probability, batched[i][k].Probability, 1e-5f);
            }
            Assert.True(single.Zip(single.Skip(1)).All(pair => pair.First.Probability >= pair.Second.Probability));
        }

        using (var stream = File.OpenRead(paths[1]))
        {
            Assert.Equal(engine.Classify(paths[1]), engine.Classify(stream));
        }
        // PNG is lossless: the caller's own pixels give exactly the file's predictions.
        Assert.Equal(engine.Classify(paths[2]), engine.Classify(images[2]));
        Assert.Equal(batched, engine.ClassifyBatch(images, topK: 5));
    }
}
