namespace RexNet.Server.Inference;

/// <summary>An inference request as both transports hand it over: names, shapes and payloads still unchecked.</summary>
internal sealed record InferRequest(
    string ModelName,
    string? ModelVersion,
    string Id,
    IReadOnlyList<InputTensor> Inputs,
    IReadOnlyList<RequestedOutput> Outputs,
    bool DefaultBinaryOutput);

/// <summary>One input tensor as the client declared it.</summary>
internal sealed record InputTensor(string Name, string Datatype, IReadOnlyList<long> Shape, ITensorPayload Payload);

/// <summary>An output the client asked for: raw (binary) or JSON data, and optionally the top-K classification.</summary>
internal sealed record RequestedOutput(string Name, bool? Binary, int? Classification);
