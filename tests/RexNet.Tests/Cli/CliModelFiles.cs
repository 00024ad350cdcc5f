using RexNet.IO;
using RexNet.Tests.Support;

namespace RexNet.Tests.Cli;

/// <summary>Weight and input files shared by the CLI tests, written once through `rexnet init` itself.</summary>
public sealed class CliModelFiles : IDisposable
{
    public const int Batch = 2, Size = 64;

    private readonly TempDir _dir = TestPaths.TempDir();

    /// <summary>rexnet_100, random init with seed 3.</summary>
    public string Rexnet100 { get; }

    /// <summary>rexnet_130: the wrong weights for rexnet_100.</summary>
    public string Rexnet130 { get; }

    /// <summary>A float32 [2, 3, 64, 64] input.</summary>
    public string Input { get; }

    public CliModelFiles()
    {
        Rexnet100 = Init("rexnet_100");
        Rexnet130 = Init("rexnet_130");
        Input = _dir.File("input.npy");
        var rng = new Random(9);
        var data = new float[Batch * 3 * Size * Size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(rng.NextDouble() * 4 - 2);
        }
        NpyFile.WriteFloat32(Input, [Batch, 3, Size, Size], data);
    }

    private string Init(string model)
    {
        string path = _dir.File($"{model}.safetensors");
        var r = CliRunner.Run("init", "--model", model, "--seed", "3", "--output", path);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"rexnet init --model {model} failed ({r.ExitCode}): {r.Stderr}");
        }
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliModelFiles>
{
    public const string Name = "CLI with model files";
}
