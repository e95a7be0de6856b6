using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>The limits table of README's "Hardened edges" is Kestrel's defaults: this fails when a Kestrel update changes one.</summary>
public sealed class KestrelLimitsTests
{
    [Fact]
    public void Kestrel_defaults_are_the_values_the_readme_names()
    {
        var limits = new KestrelServerOptions().Limits;

        Assert.Equal(8 * 1024, limits.MaxRequestLineSize);
        Assert.Equal(32 * 1024, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(32 * 1024, limits.Http2.MaxRequestHeaderFieldSize);
        Assert.Equal(4096, limits.Http2.HeaderTableSize);
        Assert.Equal(100, limits.Http2.MaxStreamsPerConnection);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromSeconds(130), limits.KeepAliveTimeout);
        Assert.Equal((240d, TimeSpan.FromSeconds(5)), (limits.MinRequestBodyDataRate!.BytesPerSecond, limits.MinRequestBodyDataRate.GracePeriod));
        Assert.Equal((240d, TimeSpan.FromSeconds(5)), (limits.MinResponseDataRate!.BytesPerSecond, limits.MinResponseDataRate.GracePeriod));
        Assert.Null(limits.MaxConcurrentConnections);
    }
}
