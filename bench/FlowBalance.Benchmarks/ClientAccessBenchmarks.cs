using System.Collections.Immutable;
using System.Net;
using BenchmarkDotNet.Attributes;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Host.Proxy;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Benchmarks;

/// <summary>What a request pays for rate_limit (a limit never reached) and ip_allow/ip_deny: expected 0 B.</summary>
[MemoryDiagnoser]
public class ClientAccessBenchmarks
{
    private readonly DefaultHttpContext _context = new();
    private readonly IPAddress _client = IPAddress.Parse("192.0.2.10");
    private ClientBuckets _byIp = null!;
    private ClientBuckets _byService = null!;
    private ClientBuckets _byHeader = null!;
    private IpRules _rules = null!;

    [GlobalSetup]
    public void Setup()
    {
        var never = new RateLimitOptions(RateLimitOptions.MaxRequestsPerSecond, int.MaxValue, RateLimitOptions.ByIp, null);
        _byIp = new ClientBuckets(never);
        _byService = new ClientBuckets(never with { Key = RateLimitOptions.ByService });
        _byHeader = new ClientBuckets(never with { Key = RateLimitOptions.ByHeader, Header = "X-Client" });
        _context.Request.Headers["X-Client"] = "client-42";
        ImmutableArray<IPNetwork> deny = [.. Enumerable.Range(0, 1000).Select(i => IPNetwork.Parse($"10.{i / 256}.{i % 256}.0/24"))];
        _rules = new IpRules(new IpRanges([IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8::/32")]), new IpRanges(deny));
    }

    [Benchmark(Baseline = true)]
    public bool RateLimitByIp() => _byIp.TryAcquire(_context, _client, out _);

    [Benchmark]
    public bool RateLimitByService() => _byService.TryAcquire(_context, _client, out _);

    [Benchmark]
    public bool RateLimitByHeader() => _byHeader.TryAcquire(_context, _client, out _);

    [Benchmark]
    public bool IpRulesThousandDenyRanges() => _rules.Refuses(_client);
}
