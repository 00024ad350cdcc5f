using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using RexNet.Server.Grpc.Protocol;

namespace RexNet.Server.Grpc;

/// <summary>
/// Binds inference.GRPCInferenceService's six methods to <see cref="InferenceGrpcService"/> in place of the code
/// Grpc.Tools generates, for one difference: ModelInfer's request is read by <see cref="PooledInferRequest"/>, so its
/// raw tensors are not copied into a new array per request. Grpc.AspNetCore finds this class through the service's
/// [BindServiceMethod]; gRPC reflection finds <see cref="Descriptor"/> here.
/// </summary>
internal static class InferenceServiceBinding
{
    /// <summary>The service as the .proto declares it (names, messages), for gRPC reflection.</summary>
    public static ServiceDescriptor Descriptor => GRPCInferenceService.Descriptor;

    public static void BindService(ServiceBinderBase binder, InferenceGrpcService? service)
    {
        binder.AddMethod(Unary(nameof(service.ServerLive), ServerLiveRequest.Parser, ServerLiveResponse.Parser),
            service is null ? null : service.ServerLive);
        binder.AddMethod(Unary(nameof(service.ServerReady), ServerReadyRequest.Parser, ServerReadyResponse.Parser),
            service is null ? null : service.ServerReady);
        binder.AddMethod(Unary(nameof(service.ModelReady), ModelReadyRequest.Parser, ModelReadyResponse.Parser),
            service is null ? null : service.ModelReady);
        binder.AddMethod(Unary(nameof(service.ServerMetadata), ServerMetadataRequest.Parser, ServerMetadataResponse.Parser),
            service is null ? null : service.ServerMetadata);
        binder.AddMethod(Unary(nameof(service.ModelMetadata), ModelMetadataRequest.Parser, ModelMetadataResponse.Parser),
            service is null ? null : service.ModelMetadata);
        var pooled = Marshallers.Create<PooledInferRequest>((request, context) => context.Complete(request.ToByteArray()),
            context => PooledInferRequest.Parse(context.PayloadAsReadOnlySequence()));
        binder.AddMethod(new Method<PooledInferRequest, ModelInferResponse>(MethodType.Unary, Descriptor.FullName, nameof(service.ModelInfer),
            pooled, Protobuf(ModelInferResponse.Parser)), service is null ? null : service.ModelInfer);
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, Descriptor.FullName, name, Protobuf(request), Protobuf(response));

    private static Marshaller<T> Protobuf<T>(MessageParser<T> parser) where T : class, IMessage<T> =>
        Marshallers.Create<T>((message, context) =>
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        }, context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
}
