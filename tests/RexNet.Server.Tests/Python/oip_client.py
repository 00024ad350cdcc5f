"""An Open Inference Protocol client that shares no code with the server.

The gRPC stubs are generated here from the server's .proto with grpc_tools; REST goes through requests. The
C# test that starts this script passes the server's ports and the logits the engine computed for the same
images, and reads the exit status: 0 when every check passed, 1 with a message naming the first that failed.
"""
import argparse
import base64
import importlib
import json
import os
import struct
import sys
import tempfile

import grpc
import requests
from grpc_tools import protoc


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def floats(raw):
    return list(struct.unpack("<%df" % (len(raw) // 4), raw))


def as_float32(values):
    return [struct.unpack("<f", struct.pack("<f", v))[0] for v in values]


def length_prefixed(raw):
    items, offset = [], 0
    while offset < len(raw):
        (length,) = struct.unpack_from("<I", raw, offset)
        items.append(raw[offset + 4:offset + 4 + length].decode("utf-8"))
        offset += 4 + length
    return items


def generate_stubs(proto):
    out = tempfile.mkdtemp(prefix="oip-stubs-")
    folder, name = os.path.split(os.path.abspath(proto))
    status = protoc.main(["protoc", "-I" + folder, "--python_out=" + out, "--grpc_python_out=" + out, name])
    check(status == 0, "protoc failed on " + proto)
    sys.path.insert(0, out)
    stem = os.path.splitext(name)[0]
    return importlib.import_module(stem + "_pb2"), importlib.import_module(stem + "_pb2_grpc")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", required=True)
    parser.add_argument("--grpc", required=True)
    parser.add_argument("--proto", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--images", required=True, help="raw little-endian float32 [n, 3, size, size]")
    parser.add_argument("--expected", required=True, help="raw little-endian float32 logits [n, classes]")
    parser.add_argument("--png", required=True)
    parser.add_argument("--png-expected", required=True)
    args = parser.parse_args()

    with open(args.images, "rb") as f:
        image_bytes = f.read()
    with open(args.expected, "rb") as f:
        expected = floats(f.read())
    with open(args.png, "rb") as f:
        png = f.read()
    with open(args.png_expected, "rb") as f:
        png_expected = floats(f.read())
    per = 3 * args.size * args.size
    count = len(image_bytes) // (4 * per)
    classes = len(expected) // count
    checks = 0

    # REST: health and metadata.
    base = args.http.rstrip("/")
    check(requests.get(base + "/v2/health/live").status_code == 200, "live")
    check(requests.get(base + "/v2/health/ready").status_code == 200, "ready")
    server = requests.get(base + "/v2").json()
    check("binary_tensor_data" in server["extensions"] and "classification" in server["extensions"], "extensions: %s" % server)
    meta = requests.get("%s/v2/models/%s" % (base, args.model)).json()
    check(meta["inputs"][0] == {"name": "input", "datatype": "FP32", "shape": [-1, 3, args.size, args.size]}, "inputs: %s" % meta)
    check(meta["outputs"][0]["shape"] == [-1, classes], "outputs: %s" % meta)
    checks += 4
    infer = "%s/v2/models/%s/infer" % (base, args.model)

    # REST JSON.
    body = {"id": "py-json", "inputs": [{"name": "input", "datatype": "FP32", "shape": [count, 3, args.size, args.size],
                                         "data": floats(image_bytes)}]}
    answer = requests.post(infer, json=body)
    check(answer.status_code == 200, "JSON infer: %d %s" % (answer.status_code, answer.text[:200]))
    document = answer.json()
    check(document["id"] == "py-json", "id not echoed")
    check(as_float32(document["outputs"][0]["data"]) == expected, "JSON logits differ from the engine's")
    checks += 1

    # REST binary_tensor_data, as tritonclient sends it.
    header = json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [count, 3, args.size, args.size],
                                     "parameters": {"binary_data_size": len(image_bytes)}}],
                         "outputs": [{"name": "logits", "parameters": {"binary_data": True}}]}).encode()
    answer = requests.post(infer, data=header + image_bytes, headers={
        "Inference-Header-Content-Length": str(len(header)), "Content-Type": "application/octet-stream"})
    check(answer.status_code == 200, "binary infer: %d %s" % (answer.status_code, answer.text[:200]))
    json_length = int(answer.headers["Inference-Header-Content-Length"])
    out_header = json.loads(answer.content[:json_length])
    check(out_header["outputs"][0]["parameters"]["binary_data_size"] == 4 * len(expected), "binary_data_size")
    check(floats(answer.content[json_length:]) == expected, "binary logits differ from the engine's")
    checks += 1

    # REST: an encoded image as base64 BYTES, and a bad request.
    body = {"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": [base64.b64encode(png).decode()]}]}
    answer = requests.post(infer, json=body)
    check(answer.status_code == 200, "image infer: %d %s" % (answer.status_code, answer.text[:200]))
    check(as_float32(answer.json()["outputs"][0]["data"]) == png_expected, "image logits differ from the engine's")
    answer = requests.post(infer, json={"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 7, 7], "data": [0]}]})
    check(answer.status_code == 400 and "error" in answer.json(), "bad shape should be a 400 with an error")
    checks += 2

    # gRPC, through stubs generated from the server's proto.
    pb, pb_grpc = generate_stubs(args.proto)
    with grpc.insecure_channel(args.grpc) as channel:
        stub = pb_grpc.GRPCInferenceServiceStub(channel)
        check(stub.ServerLive(pb.ServerLiveRequest()).live, "gRPC live")
        check(stub.ServerReady(pb.ServerReadyRequest()).ready, "gRPC ready")
        check(stub.ModelReady(pb.ModelReadyRequest(name=args.model)).ready, "gRPC model ready")
        metadata = stub.ModelMetadata(pb.ModelMetadataRequest(name=args.model))
        check(list(metadata.outputs[0].shape) == [-1, classes], "gRPC metadata outputs")
        checks += 4

        request = pb.ModelInferRequest(model_name=args.model, id="py-grpc")
        tensor = request.inputs.add()
        tensor.name, tensor.datatype = "input", "FP32"
        tensor.shape.extend([count, 3, args.size, args.size])
        request.raw_input_contents.append(image_bytes)
        response = stub.ModelInfer(request)
        check(response.id == "py-grpc", "gRPC id not echoed")
        check(list(response.outputs[0].shape) == [count, classes], "gRPC output shape")
        check(floats(response.raw_output_contents[0]) == expected, "gRPC logits differ from the engine's")
        checks += 1

        wanted = request.outputs.add()
        wanted.name = "logits"
        wanted.parameters["classification"].int64_param = 3
        response = stub.ModelInfer(request)
        labels = length_prefixed(response.raw_output_contents[0])
        check(response.outputs[0].datatype == "BYTES" and len(labels) == 3 * count, "gRPC classification: %s" % labels)
        best = max(range(classes), key=lambda c: (expected[c], -c))
        check(int(labels[0].split(":")[1]) == best, "gRPC classification's best class")
        checks += 1

        bad = pb.ModelInferRequest(model_name="no-such-model")
        try:
            stub.ModelInfer(bad)
            fail("unknown model should fail")
        except grpc.RpcError as error:
            check(error.code() == grpc.StatusCode.NOT_FOUND, "unknown model: %s" % error.code())
        checks += 1

    print("ok: %d checks" % checks)


if __name__ == "__main__":
    main()
