"""A gRPC client written without any Flotilla code: Python grpcio with stubs generated from the same
.proto files. It calls each Greeter RPC shape and the standard health check, and prints one JSON
object with what it saw, including the google.rpc.ErrorInfo of a failed call. Usage:
greeter_client.py PROTO_ROOT HEALTH_PROTO_ROOT ADDRESS OUT_DIR"""
import importlib
import json
import os
import re
import sys

from grpc_tools import protoc
import grpc


def generate(out_dir, include, proto):
    code = protoc.main(["protoc", f"-I{include}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", proto])
    if code != 0:
        raise SystemExit(f"protoc failed ({code}) for {proto}")


def without_optional_labels(proto_root, out_dir):
    """Debian's grpc_tools (1.14, protoc 3.6) predates proto3 `optional` (protoc 3.15). For a scalar
    field the label only adds presence tracking; the wire format is the same, so a copy without it
    describes the same messages to this client."""
    src = f"{proto_root}/helloworld/v1/greeter.proto"
    root = os.path.join(out_dir, "proto-src")
    os.makedirs(os.path.join(root, "helloworld", "v1"), exist_ok=True)
    with open(src) as f:
        text = re.sub(r"^(\s*)optional\s+", r"\1", f.read(), flags=re.MULTILINE)
    with open(os.path.join(root, "helloworld", "v1", "greeter.proto"), "w") as f:
        f.write(text)
    return root


def main():
    proto_root, health_root, address, out_dir = sys.argv[1:5]
    greeter_root = without_optional_labels(proto_root, out_dir)
    generate(out_dir, greeter_root, f"{greeter_root}/helloworld/v1/greeter.proto")
    generate(out_dir, health_root, f"{health_root}/health/v1/health.proto")
    here = os.path.dirname(os.path.abspath(__file__))
    generate(out_dir, here, f"{here}/rich_status.proto")
    sys.path.insert(0, out_dir)
    greeter_pb2 = importlib.import_module("helloworld.v1.greeter_pb2")
    greeter_grpc = importlib.import_module("helloworld.v1.greeter_pb2_grpc")
    health_pb2 = importlib.import_module("health.v1.health_pb2")
    health_grpc = importlib.import_module("health.v1.health_pb2_grpc")
    rich_status = importlib.import_module("rich_status_pb2")

    result = {}
    with grpc.insecure_channel(address) as channel:
        stub = greeter_grpc.GreeterStub(channel)
        req = greeter_pb2.HelloRequest
        result["unary"] = stub.SayHello(req(name="Python"), timeout=5).message
        result["server_stream"] = [r.message for r in stub.SayHelloServerStream(req(name="Py", count=3), timeout=5)]
        result["client_stream"] = stub.SayHelloClientStream(iter([req(name="a"), req(name="b")]), timeout=5).message
        result["bidi"] = [r.message for r in stub.SayHelloBidi(iter([req(name="x"), req(name="y")]), timeout=5)]
        try:
            stub.SayHello(req(name=""), timeout=5)
            result["invalid"] = None
        except grpc.RpcError as error:
            result["invalid"] = {"code": error.code().name, "details": error.details()}
            result["invalid_error_info"] = error_info(rich_status, error)
        health = health_grpc.HealthStub(channel)
        result["health"] = health_pb2.HealthCheckResponse.ServingStatus.Name(
            health.Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status
        )
        result["health_greeter"] = health_pb2.HealthCheckResponse.ServingStatus.Name(
            health.Check(health_pb2.HealthCheckRequest(service="helloworld.v1.Greeter"), timeout=5).status
        )
    print(json.dumps(result))


def error_info(rich_status, error):
    """The ErrorInfo in the call's grpc-status-details-bin trailer, as a dict (None if absent)."""
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    if raw is None:
        return None
    status = rich_status.Status.FromString(raw)
    for detail in status.details:
        if detail.type_url == "type.googleapis.com/google.rpc.ErrorInfo":
            info = rich_status.ErrorInfo.FromString(detail.value)
            return {"reason": info.reason, "domain": info.domain, "metadata": dict(info.metadata),
                    "status_code": status.code, "status_message": status.message}
    return None


if __name__ == "__main__":
    main()
