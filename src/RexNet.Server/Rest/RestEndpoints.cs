using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RexNet.Server.Hosting;
using RexNet.Server.Inference;

namespace RexNet.Server.Rest;

/// <summary>The Open Inference Protocol's REST routes (health, metadata, infer), with {"error": ...} answers.</summary>
internal static class RestEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", context => Guard(context, _ =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        }));
        app.MapGet("/v2/health/ready", context => Guard(context, service =>
        {
            if (!service.Host.IsReady)
            {
                return RestResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, NotReady(service.Host));
            }
            context.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        }));
        app.MapGet("/v2", context => Guard(context, _ => RestResponseWriter.WriteJsonAsync(context.Response, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", ProtocolInfo.ServerName);
            w.WriteString("version", ProtocolInfo.ServerVersion);
            w.WriteStartArray("extensions");
            foreach (string e in ProtocolInfo.Extensions)
            {
                w.WriteStringValue(e);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        })));
        foreach (string prefix in (string[])["/v2/models/{name}", "/v2/models/{name}/versions/{version}"])
        {
            app.MapGet(prefix, context => Guard(context, service => Metadata(context, service)));
            app.MapGet(prefix + "/ready", context => Guard(context, service => ModelReady(context, service)));
            app.MapPost(prefix + "/infer", context => Guard(context, service => Infer(context, service)));
        }
    }

    private static string NotReady(ModelHost host) =>
        host.IsDraining ? "the server is shutting down" : "the model is still loading";

    private static (string Name, string? Version) Address(HttpContext context) =>
        ((string)context.Request.RouteValues["name"]!, context.Request.RouteValues["version"] as string);

    private static Task Metadata(HttpContext context, InferenceService service)
    {
        var (name, version) = Address(context);
        var model = service.Resolve(name, version).Model;
        return RestResponseWriter.WriteJsonAsync(context.Response, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", model.Name);
            w.WriteStartArray("versions");
            w.WriteStringValue(ServedModel.Version);
            w.WriteEndArray();
            w.WriteString("platform", ServedModel.Platform);
            WriteTensors(w, "inputs", ProtocolInfo.Inputs(model));
            WriteTensors(w, "outputs", ProtocolInfo.Outputs(model));
            w.WriteStartObject("properties");
            foreach (var (key, value) in ProtocolInfo.Properties(model))
            {
                w.WriteString(key, value);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static void WriteTensors(Utf8JsonWriter w, string property, IReadOnlyList<TensorMetadata> tensors)
    {
        w.WriteStartArray(property);
        foreach (var t in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("datatype", t.Datatype);
            w.WriteStartArray("shape");
            foreach (long dim in t.Shape)
            {
                w.WriteNumberValue(dim);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static Task ModelReady(HttpContext context, InferenceService service)
    {
        var (name, version) = Address(context);
        service.Resolve(name, version);
        if (!service.Host.IsReady)
        {
            return RestResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, NotReady(service.Host));
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    private static async Task Infer(HttpContext context, InferenceService service)
    {
        var (name, version) = Address(context);
        service.Resolve(name, version);
        var options = context.RequestServices.GetRequiredService<ServeOptions>();
        using var body = await RequestBody.ReadAsync(context.Request, options.MaxBodyBytes, context.RequestAborted);
        string? headerLength = context.Request.Headers[RestRequestReader.HeaderLengthHeader];
        var (request, document) = RestRequestReader.Parse(body.Memory, headerLength, name, version);
        using (document)
        {
            var result = await service.InferAsync(request, context.RequestAborted);
            await RestResponseWriter.WriteInferAsync(context.Response, result);
        }
    }

    /// <summary>Runs a handler and turns every failure into a status and {"error": "..."}; nothing escapes as a bare 500.</summary>
    private static async Task Guard(HttpContext context, Func<InferenceService, Task> handler)
    {
        var service = context.RequestServices.GetRequiredService<InferenceService>();
        try
        {
            await handler(service);
        }
        catch (InferenceException e)
        {
            if (e.Status == InferenceStatus.Overloaded)
            {
                context.Response.Headers.RetryAfter = "1";
            }
            await RestResponseWriter.WriteErrorAsync(context.Response, StatusOf(e.Status), e.Message);
        }
        catch (BadHttpRequestException e)
        {
            await RestResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            context.RequestServices.GetRequiredService<ILogger<InferenceService>>()
                .LogWarning(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await RestResponseWriter.WriteErrorAsync(context.Response, StatusCodes.Status500InternalServerError,
                $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    public static int StatusOf(InferenceStatus status) => status switch
    {
        InferenceStatus.BadRequest => StatusCodes.Status400BadRequest,
        InferenceStatus.NotFound => StatusCodes.Status404NotFound,
        InferenceStatus.Overloaded => StatusCodes.Status429TooManyRequests,
        InferenceStatus.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
