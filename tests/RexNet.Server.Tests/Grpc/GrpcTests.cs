using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using RexNet.Server.Grpc.Protocol;
using RexNet.Server.Tests.Support;

namespace RexNet.Server.Tests.Grpc;

/// <summary>inference.GRPCInferenceService, gRPC health and reflection, in-process.</summary>
public sealed class GrpcTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private GRPCInferenceService.GRPCInferenceServiceClient Client => fixture.Servers.Grpc;
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static ModelInferRequest Fp32Request(float[] images, int count, bool raw = true)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { count, 3, 32, 32 } };
        var request = new ModelInferRequest { ModelName = "rexnet_100", Id = "g-1", Inputs = { input } };
        if (raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(Requests.Raw(images)));
        }
        else
        {
            input.Contents = new InferTensorContents { Fp32Contents = { images } };
        }
        return request;
    }

    [Fact]
    public async Task Health_and_metadata()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest(), cancellationToken: Token)).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: Token)).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "rexnet_100" }, cancellationToken: Token)).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "rexnet_100", Version = "1" }, cancellationToken: Token)).Ready);
        var server = await Client.ServerMetadataAsync(new ServerMetadataRequest(), cancellationToken: Token);
        Assert.Equal("rexnet", server.Name);
        Assert.Equal(["binary_tensor_data", "classification"], server.Extensions);
        var model = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "rexnet_100" }, cancellationToken: Token);
        Assert.Equal(["1"], model.Versions);
        Assert.Equal("rexnet", model.Platform);
        Assert.Equal([-1L, 3, 32, 32], model.Inputs[0].Shape);
        Assert.Equal("BYTES", model.Inputs[1].Datatype);
        Assert.Equal([-1L, 1000], model.Outputs[0].Shape);
        Assert.Equal("rexnet_100", model.Properties["model"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Infer_equals_the_engine_with_raw_or_typed_contents(bool raw)
    {
        var images = TestModels.Images(3, seed: 21);
        var response = await Client.ModelInferAsync(Fp32Request(images, 3, raw), cancellationToken: Token);
        Assert.Equal("rexnet_100", response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("g-1", response.Id);
        Assert.Equal("logits", response.Outputs[0].Name);
        Assert.Equal("FP32", response.Outputs[0].Datatype);
        Assert.Equal([3L, 1000], response.Outputs[0].Shape);
        Assert.Equal(TestModels.ExpectedLogits(images), Requests.Floats(response.RawOutputContents[0].ToByteArray()));
    }

    [Fact]
    public async Task Images_and_classification()
    {
        byte[] png = TestImages.Png(50, 37, 4);
        var input = new ModelInferRequest.Types.InferInputTensor
        {
            Name = "image", Datatype = "BYTES", Shape = { 1 }, Contents = new InferTensorContents { BytesContents = { ByteString.CopyFrom(png) } },
        };
        var output = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "logits" };
        output.Parameters["classification"] = new InferParameter { Int64Param = 4 };
        var request = new ModelInferRequest { ModelName = "rexnet_100", Inputs = { input }, Outputs = { output } };
        var response = await Client.ModelInferAsync(request, cancellationToken: Token);
        Assert.Equal("BYTES", response.Outputs[0].Datatype);
        Assert.Equal([1L, 4], response.Outputs[0].Shape);
        var expected = TestModels.ExpectedLogits(TestImages.Tensor(png));
        int best = Array.IndexOf(expected, expected.Max());
        byte[] raw = response.RawOutputContents[0].ToByteArray();
        string first = System.Text.Encoding.UTF8.GetString(raw, 4, BitConverter.ToInt32(raw, 0));
        Assert.Equal(best.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Split(':')[1]);

        // The same image through raw_input_contents (length-prefixed).
        var rawRequest = new ModelInferRequest
        {
            ModelName = "rexnet_100",
            Inputs = { new ModelInferRequest.Types.InferInputTensor { Name = "image", Datatype = "BYTES", Shape = { 1 } } },
            RawInputContents = { ByteString.CopyFrom(Requests.RawBytes(png)) },
        };
        var rawResponse = await Client.ModelInferAsync(rawRequest, cancellationToken: Token);
        Assert.Equal(expected, Requests.Floats(rawResponse.RawOutputContents[0].ToByteArray()));
    }

    [Fact]
    public async Task Errors_are_status_codes()
    {
        var images = TestModels.Images(1, seed: 22);
        var unknown = Fp32Request(images, 1);
        unknown.ModelName = "resnet50";
        var notFound = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(unknown, cancellationToken: Token).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("unknown model 'resnet50'", notFound.Status.Detail);

        var badShape = Fp32Request(images, 1);
        badShape.Inputs[0].Shape[2] = 64;
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(badShape, cancellationToken: Token).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("takes [n, 3, 32, 32]", invalid.Status.Detail);

        var mixed = Fp32Request(images, 1);
        mixed.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { 1f } };
        var both = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(mixed, cancellationToken: Token).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, both.StatusCode);
        Assert.Contains("use one form", both.Status.Detail);

        var missing = Fp32Request(images, 1, raw: false);
        missing.Inputs[0].Contents = null;
        var none = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(missing, cancellationToken: Token).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, none.StatusCode);
        Assert.Contains("has no fp32_contents", none.Status.Detail);

        // Bytes that are no ModelInferRequest at all: a field with wire type 7.
        var garbage = new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Servers.Channel.CreateCallInvoker().AsyncUnaryCall(garbage, null, new CallOptions(cancellationToken: Token), [0x0F, 0x01]).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains("not a valid protobuf message", malformed.Status.Detail);

        var metadata = await Assert.ThrowsAsync<RpcException>(() =>
            Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "rexnet_100", Version = "7" }, cancellationToken: Token).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, metadata.StatusCode);
    }

    [Fact]
    public async Task Grpc_health_reports_serving()
    {
        var health = new Health.HealthClient(fixture.Servers.Channel);
        foreach (string service in (string[])["", "inference.GRPCInferenceService"])
        {
            var reply = await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Token);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }

    [Fact]
    public async Task Reflection_lists_the_inference_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(fixture.Servers.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Token);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Token);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Token));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("inference.GRPCInferenceService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
