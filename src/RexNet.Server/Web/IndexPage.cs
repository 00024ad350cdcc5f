using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RexNet.Server.Web;

/// <summary>GET /: a page to drop an image on and see the top-5 classes, through the protocol's own infer route.</summary>
internal static class IndexPage
{
    private const string Placeholder = "__MODEL_NAME__";

    /// <summary>The page with the model's name filled in (names are URL- and HTML-safe by construction).</summary>
    public static byte[] Render(string modelName)
    {
        using var stream = typeof(IndexPage).Assembly.GetManifestResourceStream("RexNet.Server.index.html")
            ?? throw new RexNetException(RexNetErrorCode.Internal, "the embedded page RexNet.Server.index.html is missing from this build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Encoding.UTF8.GetBytes(reader.ReadToEnd().Replace(Placeholder, modelName, StringComparison.Ordinal));
    }

    public static void Map(IEndpointRouteBuilder app, string modelName)
    {
        byte[] html = Render(modelName);
        app.MapGet("/", context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength = html.Length;
            return context.Response.Body.WriteAsync(html).AsTask();
        });
    }
}
