namespace RexNet.Imaging;

/// <summary>Image to normalised float32 CHW tensor, reproducing timm's or PaddleClas' evaluation transform.</summary>
public static class ImagePreprocessor
{
    /// <summary>ImageNet channel means and standard deviations (RGB), as float32 like the reference pipelines.</summary>
    public static ReadOnlySpan<float> Mean => [0.485f, 0.456f, 0.406f];
    public static ReadOnlySpan<float> Std => [0.229f, 0.224f, 0.225f];

    /// <summary>Decodes an image file (within <paramref name="limits"/>) and returns its [3, Height, Width] tensor.</summary>
    public static float[] Preprocess(string path, PreprocessOptions? options = null, ImageLimits? limits = null)
    {
        options ??= PreprocessOptions.Default;
        using var image = SafeImageLoader.For(limits).Load(path, options.ExifOrientation);
        return Tensor(image.View, options);
    }

    /// <summary>Decodes an encoded image from a stream; <paramref name="name"/> labels errors.</summary>
    public static float[] Preprocess(Stream stream, string name, PreprocessOptions? options = null, ImageLimits? limits = null)
    {
        options ??= PreprocessOptions.Default;
        using var image = SafeImageLoader.For(limits).Load(stream, name, options.ExifOrientation);
        return Tensor(image.View, options);
    }

    /// <summary>The tensor of pixels the caller decoded (used as they are: no EXIF orientation is known here).</summary>
    public static float[] Preprocess(RgbImage image, PreprocessOptions? options = null)
    {
        using var rgbx = image.ToRgbx();
        return Tensor(rgbx.View, options ?? PreprocessOptions.Default);
    }

    private static float[] Tensor(PixelView image, PreprocessOptions options)
    {
        var tensor = new float[options.TensorElements];
        Preprocess(image, options, tensor);
        return tensor;
    }

    /// <summary>Writes the [3, Height, Width] tensor of decoded, upright RGB pixels into <paramref name="destination"/>.</summary>
    internal static void Preprocess(PixelView image, PreprocessOptions options, Span<float> destination)
    {
        options.Validate();
        if (destination.Length < options.TensorElements)
        {
            throw new RexNetException(RexNetErrorCode.InvalidArgument, $"destination holds {destination.Length} floats; {options.TensorElements} are needed");
        }
        var g = Geometry(image.Width, image.Height, options);
        bool timm = options.Preset == PreprocessPreset.Timm;
        byte[] rgbx = Resampler.ResizeAndCrop(image, g.Width, g.Height, g.Left, g.Top, options.Width, options.Height,
            timm ? ResampleFilter.Bicubic : ResampleFilter.Bilinear, antialias: timm);
        Normalise(rgbx, options.Height * options.Width, timm, destination);
    }

    internal readonly record struct ResizeGeometry(int Width, int Height, int Left, int Top);

    /// <summary>
    /// Resized size and crop offset. timm (through torchvision) resizes the short side and truncates the long side,
    /// int(short' * long / short), when its scale size is square; otherwise it resizes by the smaller of the two
    /// scale ratios, rounding both sides (ResizeKeepRatio). The crop is centred with round-half-even. PaddleClas
    /// rounds both sides and floors the offset.
    /// </summary>
    internal static ResizeGeometry Geometry(int width, int height, PreprocessOptions options)
    {
        int w, h;
        if (options.Preset == PreprocessPreset.Timm)
        {
            if (options.ScaleHeight == options.ScaleWidth)
            {
                int target = options.ScaleHeight;
                (w, h) = width <= height
                    ? (target, (int)((double)((long)target * height) / width))
                    : ((int)((double)((long)target * width) / height), target);
            }
            else
            {
                double ratio = Math.Min((double)height / options.ScaleHeight, (double)width / options.ScaleWidth);
                (w, h) = ((int)Math.Round(width / ratio), (int)Math.Round(height / ratio));
            }
            return new ResizeGeometry(w, h, (int)Math.Round((w - options.Width) / 2.0), (int)Math.Round((h - options.Height) / 2.0));
        }
        double percent = (double)options.ResizeShortSide / Math.Min(width, height);
        w = (int)Math.Round(width * percent);
        h = (int)Math.Round(height * percent);
        return new ResizeGeometry(w, h, (w - options.Width) / 2, (h - options.Height) / 2);
    }

    /// <summary>
    /// RGBX bytes to planar normalised floats. timm divides by 255 (torchvision's to_tensor);
    /// PaddleClas multiplies by float32(1/255); both then subtract the mean and divide by the std in float32.
    /// </summary>
    private static void Normalise(ReadOnlySpan<byte> rgbx, int pixels, bool divide, Span<float> destination)
    {
        const float inverse = 1f / 255f;
        for (int c = 0; c < 3; c++)
        {
            float mean = Mean[c], std = Std[c];
            var plane = destination.Slice(c * pixels, pixels);
            for (int i = 0; i < pixels; i++)
            {
                byte sample = rgbx[i * PixelView.BytesPerPixel + c];
                float v = divide ? sample / 255f : sample * inverse;
                plane[i] = (v - mean) / std;
            }
        }
    }
}
