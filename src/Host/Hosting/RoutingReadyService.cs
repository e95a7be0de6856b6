using FlowBalance.Actors.State;

namespace FlowBalance.Host.Hosting;

/// <summary>Holds back Kestrel until the config actor has published the first routing table.</summary>
public sealed class RoutingReadyService(RoutingTableStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.Ready.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
