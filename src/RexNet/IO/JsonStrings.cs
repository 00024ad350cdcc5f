using System.Text;
using System.Text.Json;

namespace RexNet.IO;

/// <summary>A list of strings as a JSON array and back, without reflection (the library also builds ahead of time).</summary>
internal static class JsonStrings
{
    public static string Array(IReadOnlyList<string> values)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (string value in values)
            {
                w.WriteStringValue(value);
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The strings of a JSON array of strings; null when the text is anything else.</summary>
    public static string[]? TryParseArray(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 2 });
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var values = new List<string>(doc.RootElement.GetArrayLength());
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.String)
                {
                    return null;
                }
                values.Add(e.GetString()!);
            }
            return values.ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
