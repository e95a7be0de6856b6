using Yarp.ReverseProxy.Configuration;

// usage: BareYarp <listen-url> <backend-url> [<backend-url> ...]
var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls(args[0]);
var destinations = args.Skip(1).Select((url, i) => (Id: $"d{i}", Config: new DestinationConfig { Address = url }))
    .ToDictionary(d => d.Id, d => d.Config);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "backends", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "backends",
        LoadBalancingPolicy = "RoundRobin",
        Destinations = destinations,
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromSeconds(10), Path = "/health", Policy = "ConsecutiveFailures" },
        },
    }]);
var app = builder.Build();
app.MapReverseProxy();
app.Run();
