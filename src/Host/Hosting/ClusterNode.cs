using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using FlowBalance.Actors.Cluster;
using FlowBalance.Actors.Configuration;
using AkkaConfig = Akka.Configuration.Config;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// This node's cluster membership, kept apart from the data plane: the clustered actor system runs in an
/// inner host of its own, which this service starts, watches and recreates. When the split-brain resolver
/// downs this node, or it is separated and removed, Akka terminates that system (and Akka.Hosting stops its
/// host) while Kestrel, YARP and the local routing actors keep serving from their snapshots; a few seconds
/// later a new incarnation joins the seeds again. On SIGTERM the inner host stops first: the node leaves the
/// cluster gracefully (Akka's coordinated shutdown) while the outer host drains its requests.
/// </summary>
public sealed partial class ClusterNode(FlowBalanceOptions options, AkkaConfig file, ClusterViewStore views, Func<NodeSummary> summary, ILoggerFactory loggers, ILogger<ClusterNode> log)
    : BackgroundService
{
    /// <summary>The clustered actor system's name: the same on every node (part of every Akka address), never shown to operators.</summary>
    public const string SystemName = "flowbalance";

    /// <summary>How long after a membership ends the next incarnation joins (Akka's own join retries take over from there).</summary>
    private static readonly TimeSpan Rejoin = TimeSpan.FromSeconds(3);

    private IHost? _first;

    /// <summary>
    /// The first incarnation starts with the host: a cluster port that cannot be bound stops startup with one line
    /// (exit 1, as a listen port in use does) instead of retrying forever. Joining the seeds happens afterwards.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Tried first: Akka.Hosting prints a failed bind to the console with its whole stack before rethrowing.
        if (await PortRefusal(options.Cluster.Bind) is { } refusal) throw BindRefused(refusal, refusal);
        _first = Build(options.Cluster, 1);
        try
        {
            await _first.StartAsync(cancellationToken);
        }
        catch (Exception error) when (BindFailure(error) is { } socket) // taken between the probe and Akka's bind
        {
            _first.Dispose();
            throw BindRefused(socket, error);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var cluster = options.Cluster;
        for (var incarnation = 1; !stopping.IsCancellationRequested; incarnation++)
        {
            using var host = incarnation == 1 ? _first! : Build(cluster, incarnation);
            if (incarnation > 1)
            {
                try
                {
                    await host.StartAsync(stopping);
                }
                catch (Exception error) when (!stopping.IsCancellationRequested && error is not OutOfMemoryException)
                {
                    LogStartFailed(log, incarnation, (BindFailure(error) ?? error).Message);
                    await Pause(stopping);
                    continue;
                }
            }
            LogJoining(log, incarnation, cluster.PublicAddress.ToString(), string.Join(", ", cluster.Seeds));
            var system = host.Services.GetRequiredService<ActorSystem>();
            await Task.WhenAny(system.WhenTerminated, Task.Delay(Timeout.Infinite, stopping));
            if (stopping.IsCancellationRequested)
            {
                await host.StopAsync(CancellationToken.None); // leaves the cluster: coordinated shutdown's cluster phases
                views.Publish(ClusterView.None);
                return;
            }
            LogEnded(log, incarnation, Rejoin.TotalSeconds);
            views.Publish(views.Current with { SelfUp = false, Members = [] });
            await host.StopAsync(CancellationToken.None);
            await Pause(stopping);
        }
    }

    private ClusterBindException BindRefused(System.Net.Sockets.SocketException socket, Exception cause) =>
        new($"cannot listen for the cluster on {options.Cluster.Bind} (cluster.bind): {socket.Message}", cause);

    /// <summary>Whether <paramref name="bind"/> can be listened on now (taken, or not this machine's address: the socket error).</summary>
    private static async Task<System.Net.Sockets.SocketException?> PortRefusal(FlowBalance.Actors.Configuration.ClusterAddress bind)
    {
        try
        {
            var address = bind.IsWildcard ? (bind.Host == "::" ? System.Net.IPAddress.IPv6Any : System.Net.IPAddress.Any)
                : System.Net.IPAddress.TryParse(bind.Host, out var ip) ? ip : (await System.Net.Dns.GetHostAddressesAsync(bind.Host))[0];
            using var probe = new System.Net.Sockets.TcpListener(address, bind.Port);
            probe.Start();
            probe.Stop();
            return null;
        }
        catch (System.Net.Sockets.SocketException refused)
        {
            return refused;
        }
    }

    /// <summary>The socket error under Akka's "Failed to bind" (wrapped in several AggregateExceptions), or null.</summary>
    private static System.Net.Sockets.SocketException? BindFailure(Exception? error) => error switch
    {
        null => null,
        System.Net.Sockets.SocketException socket => socket,
        AggregateException aggregate => aggregate.InnerExceptions.Select(BindFailure).FirstOrDefault(s => s is not null),
        _ => BindFailure(error.InnerException),
    };

    private static async Task Pause(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(Rejoin, stopping);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private IHost Build(FlowBalance.Actors.Configuration.ClusterOptions cluster, int incarnation) => new HostBuilder()
        .ConfigureServices(services =>
        {
            services.AddSingleton(loggers);
            services.AddSingleton<IHostLifetime, InnerHostLifetime>(); // no console lifetime: SIGTERM is the outer host's
            services.AddAkka(SystemName, (akka, _) =>
            {
                akka.AddHocon(ClusterSettings.Tuning(cluster), HoconAddMode.Prepend)
                    .AddHocon(file, HoconAddMode.Prepend) // the file's akka section tunes it further
                    .ConfigureLoggers(l =>
                    {
                        l.LogLevel = AkkaDefaults.LogLevel(file);
                        l.ClearLoggers();
                        l.AddLoggerFactory();
                    })
                    .WithRemoting(ClusterRemoting.Options(cluster))
                    .WithClustering(new Akka.Cluster.Hosting.ClusterOptions
                    {
                        SeedNodes = [.. cluster.Seeds.Select(seed => ClusterRemoting.AkkaAddress(SystemName, seed))],
                        Roles = [ClusterMembershipActor.RegionRolePrefix + cluster.Region, ClusterMembershipActor.NodeRolePrefix + cluster.NodeName],
                        AppVersion = Observability.StatusEndpoint.Version.Split('+')[0],
                        SplitBrainResolver = new KeepMajorityOption(),
                    })
                    .WithDistributedData(new DDataOptions { Name = "replicator" })
                    .WithCustomSerializer("flowbalance", [typeof(IClusterMessage)], system => new ClusterWireSerializer(system))
                    .WithActors((system, _) =>
                    {
                        system.ActorOf(ClusterMembershipActor.Props(views, incarnation), "membership");
                        system.ActorOf(NodeSummaryActor.Props(views, summary), "summary");
                    });
            });
        })
        .Build();

    /// <summary>Startup stops: the cluster's port is taken or not this machine's (Program prints the message, exit 1).</summary>
    public sealed class ClusterBindException(string message, Exception inner) : Exception(message, inner);

    /// <summary>The inner host answers to the outer one only: no Ctrl+C or SIGTERM handling, no "Application started" lines.</summary>
    private sealed class InnerHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster: incarnation {Incarnation} at {Address} joining {Seeds}")]
    private static partial void LogJoining(ILogger logger, int incarnation, string address, string seeds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cluster: membership of incarnation {Incarnation} ended (downed by the split-brain resolver, or removed while unreachable); this node keeps serving from its last configuration and joins again in {Seconds} s")]
    private static partial void LogEnded(ILogger logger, int incarnation, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "cluster: incarnation {Incarnation} could not start: {Reason}; retrying")]
    private static partial void LogStartFailed(ILogger logger, int incarnation, string reason);
}
