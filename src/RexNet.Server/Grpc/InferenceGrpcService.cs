using Google.Protobuf;
using Grpc.Core;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Inference;

namespace RexNet.Server.Grpc;

/// <summary>
/// inference.GRPCInferenceService on the gRPC port, bound by <see cref="InferenceServiceBinding"/>. Inputs arrive as
/// raw_input_contents (read in place from the pooled request) or typed contents; outputs always go back as
/// raw_output_contents, as Triton sends them. Failures are gRPC status codes.
/// </summary>
/// <remarks>The methods are virtual because Grpc.AspNetCore accepts a handler only where it is a virtual method of the
/// type the binder names, as the generated base class's are.</remarks>
[BindServiceMethod(typeof(InferenceServiceBinding), nameof(InferenceServiceBinding.BindService))]
internal class InferenceGrpcService(InferenceService service)
{
    public virtual Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public virtual Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = service.Host.IsReady });

    public virtual Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) => Guard(() =>
    {
        if (service.Host.IsReady)
        {
            service.Resolve(request.Name, request.Version);
        }
        return Task.FromResult(new ModelReadyResponse { Ready = service.Host.IsReady });
    });

    public virtual Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = ProtocolInfo.ServerName, Version = ProtocolInfo.ServerVersion };
        response.Extensions.AddRange(ProtocolInfo.Extensions);
        return Task.FromResult(response);
    }

    public virtual Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) => Guard(() =>
    {
        var model = service.Resolve(request.Name, request.Version).Model;
        var response = new ModelMetadataResponse { Name = model.Name, Platform = ServedModel.Platform };
        response.Versions.Add(ServedModel.Version);
        response.Inputs.AddRange(ProtocolInfo.Inputs(model).Select(Describe));
        response.Outputs.AddRange(ProtocolInfo.Outputs(model).Select(Describe));
        foreach (var (key, value) in ProtocolInfo.Properties(model))
        {
            response.Properties[key] = value;
        }
        return Task.FromResult(response);
    });

    /// <summary>The raw inputs are read in place until inference is over; the pooled request is released after.</summary>
    public virtual Task<ModelInferResponse> ModelInfer(PooledInferRequest pooled, ServerCallContext context) => Guard(async () =>
    {
        using var owned = pooled;
        service.Resolve(pooled.Message.ModelName, pooled.Message.ModelVersion);
        var result = await service.InferAsync(Convert(pooled), context.CancellationToken);
        var plan = result.Plan;
        string[]? classes = plan.Classification > 0 ? plan.Classify(result.Logits, result.Count, result.Model) : null;
        var output = new ModelInferResponse.Types.InferOutputTensor { Name = ServedModel.OutputTensor, Datatype = plan.Datatype };
        output.Shape.AddRange(plan.Shape(result.Count, result.Model));
        var response = new ModelInferResponse { ModelName = result.Model.Name, ModelVersion = ServedModel.Version, Id = result.Id };
        response.Outputs.Add(output);
        response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(RawTensors.Output(result.Logits, classes)));
        return response;
    });

    private static ModelMetadataResponse.Types.TensorMetadata Describe(TensorMetadata t)
    {
        var m = new ModelMetadataResponse.Types.TensorMetadata { Name = t.Name, Datatype = t.Datatype };
        m.Shape.AddRange(t.Shape);
        return m;
    }

    private static InferRequest Convert(PooledInferRequest pooled)
    {
        var request = pooled.Message;
        int raw = pooled.RawInputCount;
        if (raw > 0 && raw != request.Inputs.Count)
        {
            throw InferenceException.BadRequest($"the request has {raw} raw_input_contents for {request.Inputs.Count} inputs; give one per input");
        }
        var inputs = new List<InputTensor>(request.Inputs.Count);
        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            if (raw > 0 && input.Contents is not null)
            {
                throw InferenceException.BadRequest($"input '{input.Name}' has typed contents while the request uses raw_input_contents; use one form");
            }
            ITensorPayload payload = raw > 0 ? new RawPayload(pooled.RawInput(i)) : new GrpcPayload(input.Contents);
            inputs.Add(new InputTensor(input.Name, input.Datatype, input.Shape, payload));
        }
        var outputs = request.Outputs.Select(o => new RequestedOutput(o.Name, Binary: true, Classification(o))).ToArray();
        return new InferRequest(request.ModelName, request.ModelVersion, request.Id, inputs, outputs, DefaultBinaryOutput: true);
    }

    private static int? Classification(ModelInferRequest.Types.InferRequestedOutputTensor output)
    {
        if (!output.Parameters.TryGetValue("classification", out var p))
        {
            return null;
        }
        long? k = p.ParameterChoiceCase switch
        {
            InferParameter.ParameterChoiceOneofCase.Int64Param => p.Int64Param,
            InferParameter.ParameterChoiceOneofCase.Uint64Param => p.Uint64Param <= int.MaxValue ? (long)p.Uint64Param : long.MaxValue,
            _ => null,
        };
        return k switch
        {
            null => throw InferenceException.BadRequest($"output '{output.Name}': classification must be an int64 parameter"),
            > int.MaxValue => int.MaxValue,
            < int.MinValue => int.MinValue,
            _ => (int)k.Value,
        };
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InferenceException e)
        {
            throw new RpcException(new Status(CodeOf(e.Status), e.Message));
        }
    }

    public static StatusCode CodeOf(InferenceStatus status) => status switch
    {
        InferenceStatus.BadRequest => StatusCode.InvalidArgument,
        InferenceStatus.NotFound => StatusCode.NotFound,
        InferenceStatus.Overloaded => StatusCode.ResourceExhausted,
        InferenceStatus.Unavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };
}
