using RexNet.IO;
using RexNet.Model;

namespace RexNet.Cli;

/// <summary>The .npy input of run and run-onnx: a float32 [batch, 3, height, width] tensor of a size the model takes.</summary>
internal static class NchwInput
{
    public static (int[] Shape, float[] Data) Read(string path)
    {
        var (shape, data) = NpyFile.ReadFloat32(path);
        if (shape.Length != 4 || shape[1] != ModelSpec.InputChannels || shape[0] < 1)
        {
            throw new InvalidInputFileException(path, $"expected a float32 [batch, 3, height, width] tensor, got shape ({string.Join(", ", shape)})");
        }
        try
        {
            ModelSpec.ValidateInputSize(shape[2], shape[3]);
        }
        catch (RexNetException e)
        {
            // The size came from the file, so the file is what is wrong.
            throw new InvalidInputFileException(path, e.Message);
        }
        return (shape, data);
    }
}
