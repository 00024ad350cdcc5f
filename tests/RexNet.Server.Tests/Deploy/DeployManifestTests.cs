using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using RexNet.Cli.Commands;
using RexNet.Server.Tests.Support;
using YamlDotNet.Serialization;

namespace RexNet.Server.Tests.Deploy;

/// <summary>
/// deploy/'s Dockerfile and KServe manifests agree with the server: their arguments parse with the CLI's own
/// parser into the ports the manifests expose, and every probe and scrape path they name answers.
/// </summary>
public sealed class DeployManifestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Deploy = Path.Combine(TestPaths.RepositoryRoot, "deploy");
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Dictionary<object, object> Yaml(string file) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(Path.Combine(Deploy, "kserve", file)));

    private static object Get(object node, params object[] path)
    {
        foreach (var key in path)
        {
            node = key is int i ? ((List<object>)node)[i] : ((Dictionary<object, object>)node)[key];
        }
        return node;
    }

    private static string Text(object node, params object[] path) => (string)Get(node, path);

    private static int Port(object node, params object[] path) => int.Parse(Text(node, path), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The container's arguments with KServe's {{.Name}} filled in as it would for an InferenceService.</summary>
    private static string[] Arguments(object container) =>
        ((List<object>)Get(container, "args")).Cast<string>().Select(a => a.Replace("{{.Name}}", "rexnet-100")).ToArray();

    /// <summary>What `rexnet serve` makes of these arguments, as the CLI parses them.</summary>
    private static ServeOptions Parse(IEnumerable<string> args) => ServeCommand.Parse([.. args]);

    private static void AssertContainerDefaults(ServeOptions options)
    {
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(8080, options.HttpPort);
        Assert.Equal(8081, options.GrpcPort);
        Assert.StartsWith("/mnt/models/", options.Weights);
    }

    [Fact]
    public async Task The_serving_runtime_matches_the_server()
    {
        var runtime = Yaml("servingruntime.yaml");
        Assert.Equal("ServingRuntime", Text(runtime, "kind"));
        var container = Get(runtime, "spec", "containers", 0);
        var args = Arguments(container);
        Assert.Equal("serve", args[0]);
        var options = Parse(args[1..]);
        options.Validate();
        AssertContainerDefaults(options);
        Assert.Equal("rexnet-100", options.ModelName);

        Assert.Equal(options.HttpPort, Port(container, "ports", 0, "containerPort"));
        Assert.Equal("http1", Text(container, "ports", 0, "name"));
        Assert.Equal(options.HttpPort, Port(runtime, "spec", "annotations", "prometheus.kserve.io/port"));
        foreach (string probe in (string[])["livenessProbe", "readinessProbe"])
        {
            Assert.Equal(options.HttpPort, Port(container, probe, "httpGet", "port"));
            await AssertAnswersAsync(Text(container, probe, "httpGet", "path"));
        }
        string metrics = Text(runtime, "spec", "annotations", "prometheus.kserve.io/path");
        string text = await fixture.Servers.Http.GetStringAsync(metrics, Token);
        Assert.Contains("nv_inference_request_success", text);

        var protocols = ((List<object>)Get(runtime, "spec", "protocolVersions")).Cast<string>();
        Assert.Equal(["v2", "grpc-v2"], protocols);
    }

    private async Task AssertAnswersAsync(string path)
    {
        using var response = await fixture.Servers.Http.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_inference_services_use_the_runtime_and_its_ports()
    {
        var runtime = Yaml("servingruntime.yaml");
        string format = Text(runtime, "spec", "supportedModelFormats", 0, "name");
        var container = Get(runtime, "spec", "containers", 0);
        var options = Parse(Arguments(container)[1..]);
        foreach (string file in (string[])["inferenceservice.yaml", "inferenceservice-grpc.yaml"])
        {
            var service = Yaml(file);
            Assert.Equal("InferenceService", Text(service, "kind"));
            Assert.True(ServeOptions.IsProtocolName(Text(service, "metadata", "name")));
            Assert.Equal(Text(runtime, "metadata", "name"), Text(service, "spec", "predictor", "model", "runtime"));
            Assert.Equal(format, Text(service, "spec", "predictor", "model", "modelFormat", "name"));
            Assert.Equal("true", Text(service, "metadata", "annotations", "serving.kserve.io/enable-prometheus-scraping"));
        }
        var grpc = Get(Yaml("inferenceservice-grpc.yaml"), "spec", "predictor", "model");
        Assert.Equal("h2c", Text(grpc, "ports", 0, "name"));
        Assert.Equal(options.GrpcPort, Port(grpc, "ports", 0, "containerPort"));
        var health = new Health.HealthClient(fixture.Servers.Channel);
        foreach (string probe in (string[])["livenessProbe", "readinessProbe"])
        {
            Assert.Equal(options.GrpcPort, Port(grpc, probe, "grpc", "port"));
            var probed = (Dictionary<object, object>)Get(grpc, probe, "grpc");
            string serviceName = probed.TryGetValue("service", out var s) ? (string)s : "";
            var reply = await health.CheckAsync(new HealthCheckRequest { Service = serviceName }, cancellationToken: Token);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }

    [Fact]
    public void The_dockerfile_runs_serve_on_the_same_ports()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Deploy, "Dockerfile"));
        string[] Instruction(string name) => JsonSerializer.Deserialize<string[]>(lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..])!;
        var entry = Instruction("ENTRYPOINT");
        Assert.Equal(["dotnet", "/app/rexnet.dll", "serve"], entry);
        var options = Parse(Instruction("CMD"));
        options.Validate();
        AssertContainerDefaults(options);
        string expose = lines.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal));
        Assert.Equal($"EXPOSE {options.HttpPort} {options.GrpcPort}", expose);
    }
}
