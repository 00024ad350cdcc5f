namespace RexNet.Tests.Engine;

/// <summary>The one parser of device names that the CLI, the server and the C API share.</summary>
public class DeviceSpecTests
{
    [Theory]
    [InlineData("auto", DeviceKind.Auto, 0, "auto")]
    [InlineData("CPU", DeviceKind.Cpu, 0, "cpu")]
    [InlineData("cuda", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("Cuda:0", DeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("cuda:3", DeviceKind.Cuda, 3, "cuda:3")]
    [InlineData("cuda:007", DeviceKind.Cuda, 7, "cuda:7")]
    public void ParsesEachFormAndPrintsTheCanonicalOne(string text, DeviceKind kind, int index, string canonical)
    {
        var spec = DeviceSpec.Parse(text);
        Assert.Equal(new DeviceSpec(kind, index), spec);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(spec, DeviceSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpu")]
    [InlineData(" cpu")]
    [InlineData("cpu:0")]
    [InlineData("auto:1")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:+1")]
    [InlineData("cuda: 1")]
    [InlineData("cuda:1.0")]
    [InlineData("cuda:99999999999")]
    [InlineData("1")]
    public void RefusesAnythingElseNamingTheAcceptedForms(string text)
    {
        var e = Assert.Throws<RexNetException>(() => DeviceSpec.Parse(text));
        Assert.Equal(RexNetErrorCode.InvalidArgument, e.Code);
        Assert.Equal($"device '{text}' is not one of auto, cpu, cuda or cuda:N (N = 0, 1, ... in the driver's order)", e.Message);
        Assert.False(DeviceSpec.TryParse(text, out _));
    }

    [Fact]
    public void OptionsTakeTheDevice()
    {
        var options = new EngineOptions().WithDevice(DeviceSpec.Parse("cuda:2"));
        Assert.Equal(DeviceKind.Cuda, options.Device);
        Assert.Equal(2, options.DeviceIndex);
        Assert.Equal("cuda:2", DeviceSpec.FromOptions(options).ToString());
    }
}
