using System.Globalization;
using System.Text;
using System.Text.Json;
using RexNet.IO;
using RexNet.Model;
using RexNet.Onnx.Proto;

namespace RexNet.Onnx;

/// <summary>
/// The metadata_props an exported model carries so that a consumer needs nothing else: which model,
/// how to preprocess an image for it (the eval settings of timm's pretrained config by default), and the class labels.
/// </summary>
internal static class OnnxMetadata
{
    public const string ModelKey = "rexnet.model";
    public const string WeightsModeKey = "rexnet.batchnorm";
    public const string PreprocessingKey = "rexnet.preprocessing";
    public const string NumClassesKey = "rexnet.num_classes";
    public const string LabelsKey = "rexnet.class_labels";
    public const string LabelsStatusKey = "rexnet.class_labels_status";

    /// <summary>timm's data config for the model: ImageNet mean/std, input size, resize to size / crop_pct then centre crop.</summary>
    private static string Preprocessing(Imaging.PreprocessOptions options)
    {
        bool timm = options.Preset == Imaging.PreprocessPreset.Timm;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("preset", timm ? "timm" : "paddle");
            WriteArray(w, "input_size", [3, options.Height, options.Width]);
            w.WriteString("interpolation", timm ? "bicubic" : "bilinear");
            w.WriteNumber("crop_pct", options.CropPct);
            w.WriteString("crop_mode", "center");
            WriteArray(w, "mean", [0.485, 0.456, 0.406]);
            WriteArray(w, "std", [0.229, 0.224, 0.225]);
            w.WriteString("layout", "NCHW float32 RGB, scaled to [0, 1] before mean/std");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (double v in values)
        {
            w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }

    public static void Add(ModelProto model, ModelSpec spec, bool keepsBatchNorm, IReadOnlyList<string>? labels, Imaging.PreprocessOptions preprocess)
    {
        void Put(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

        Put(ModelKey, spec.Name);
        Put(WeightsModeKey, keepsBatchNorm ? "kept: BatchNormalization nodes with timm's tensors" : "folded into the preceding conv");
        Put(PreprocessingKey, Preprocessing(preprocess));
        Put(NumClassesKey, spec.NumClasses.ToString(CultureInfo.InvariantCulture));
        if (labels is not null)
        {
            Put(LabelsKey, JsonStrings.Array(labels));
        }
        else
        {
            Put(LabelsStatusKey, $"not embedded: outputs are indices into {spec.NumClasses} classes (ImageNet-1k synset order for pretrained timm weights)");
        }
    }
}
