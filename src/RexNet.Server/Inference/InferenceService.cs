using System.Buffers;
using Microsoft.Extensions.Logging;
using RexNet.Server.Hosting;
using RexNet.Server.Metrics;

namespace RexNet.Server.Inference;

/// <summary>A finished inference: [Count, classes] logits and how the client wants them back.</summary>
internal sealed record InferResult(string Id, ServedModel Model, int Count, float[] Logits, OutputPlan Plan);

/// <summary>
/// The protocol-neutral core both transports call: find the model, check and decode the request, queue it for a
/// batch, and count the outcome in the metrics. Every failure is an <see cref="InferenceException"/>.
/// </summary>
internal sealed class InferenceService(ModelHost host, ServeOptions options, TimeProvider time, ILogger<InferenceService> logger)
{
    public ModelHost Host => host;

    /// <summary>The loaded model addressed by name and optional version, or NotFound / Unavailable.</summary>
    public ModelHost.Loaded Resolve(string name, string? version)
    {
        var loaded = host.Current;
        if (host.Name is { } served && name != served)
        {
            throw new InferenceException(InferenceStatus.NotFound, $"unknown model '{name}'; this server serves '{served}'");
        }
        if (!string.IsNullOrEmpty(version) && version != ServedModel.Version)
        {
            throw new InferenceException(InferenceStatus.NotFound,
                $"unknown version '{version}' of model '{name}'; the only version is '{ServedModel.Version}'");
        }
        return loaded ?? throw new InferenceException(InferenceStatus.Unavailable, "the model is still loading");
    }

    /// <summary>Runs one request. Its payloads' memory (a REST body, a gRPC message) must stay valid until this returns
    /// or throws: raw FP32 is read in place by the engines, and this returns only once no batch can still read it.</summary>
    public async Task<InferResult> InferAsync(InferRequest request, CancellationToken cancellation)
    {
        long started = time.GetTimestamp();
        var loaded = Resolve(request.ModelName, request.ModelVersion);
        int images = 0;
        try
        {
            var plan = OutputPlan.Resolve(request.Outputs, request.DefaultBinaryOutput, loaded.Model);
            using var batch = InputDecoder.Decode(request.Inputs, loaded.Model, options.MaxRequestImages, ArrayPool<float>.Shared);
            images = batch.Count;
            var work = loaded.Batcher.Submit(batch.Pixels, batch.Count, cancellation);
            // Completion waits for every slice to have run or been dropped, so disposing the batch afterwards is safe.
            await work.Completion.ConfigureAwait(false);
            var total = time.GetElapsedTime(started);
            loaded.Metrics.Succeeded(total, work.QueueTime, work.ComputeTime);
            logger.LogDebug("infer {Model} id={Id} images={Images} ok: {Total:F0} us ({Queue:F0} queued, {Compute:F0} compute)",
                loaded.Model.Name, request.Id, images, total.TotalMicroseconds, work.QueueTime.TotalMicroseconds,
                work.ComputeTime.TotalMicroseconds);
            return new InferResult(request.Id, loaded.Model, batch.Count, work.Logits, plan);
        }
        catch (InferenceException e)
        {
            loaded.Metrics.Failed(e.Status switch
            {
                InferenceStatus.Overloaded => FailureReason.Rejected,
                InferenceStatus.Internal => FailureReason.Backend,
                _ => FailureReason.Other,
            });
            if (e.Status == InferenceStatus.Internal)
            {
                logger.LogWarning("infer {Model} id={Id} images={Images} failed: {Error}", loaded.Model.Name, request.Id, images, e.Message);
            }
            else
            {
                logger.LogDebug("infer {Model} id={Id} images={Images} refused ({Status}): {Error}", loaded.Model.Name, request.Id, images,
                    e.Status, e.Message);
            }
            throw;
        }
        catch (OperationCanceledException)
        {
            loaded.Metrics.Failed(FailureReason.Canceled);
            logger.LogDebug("infer {Model} id={Id} canceled by the client", loaded.Model.Name, request.Id);
            throw;
        }
    }
}
