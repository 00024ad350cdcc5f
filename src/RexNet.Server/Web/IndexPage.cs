using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RexNet.Server.Web;

/// <summary>GET /: a page to drop an image on and see the top-5 classes, through the protocol's own infer route.</summary>
internal static class IndexPage
{
    private const string Placeholder = "__MODEL_NAME__";

    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(IndexPage).Assembly.GetManifestResourceStream("RexNet.Server.index.html")
            ?? throw new RexNetException(RexNetErrorCode.Internal, "the embedded page RexNet.Server.index.html is missing from this build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The page with the model's name filled in (names are URL- and HTML-safe by construction).</summary>
    public static byte[] Render(string modelName) => Encoding.UTF8.GetBytes(Template.Value.Replace(Placeholder, modelName, StringComparison.Ordinal));

    /// <summary>Rendered per request: until the weights are loaded the name may not be known yet.</summary>
    public static void Map(IEndpointRouteBuilder app, Func<string?> modelName) => app.MapGet("/", context =>
    {
        byte[] html = Render(modelName() ?? "");
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = html.Length;
        return context.Response.Body.WriteAsync(html).AsTask();
    });
}
