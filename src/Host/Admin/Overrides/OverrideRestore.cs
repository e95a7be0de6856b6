using FlowBalance.Actors.State;

namespace FlowBalance.Host.Admin.Overrides;

/// <summary>
/// Applies the overrides kept in admin.db once the routing actors have published the first table and
/// before Kestrel listens (registered after the actor system and <c>RoutingReadyService</c>), so no
/// request reaches a backend an operator had disabled before the restart.
/// </summary>
public sealed partial class OverrideRestore(BackendActions actions, RoutingTableStore routes, ILogger<OverrideRestore> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await routes.Ready.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        foreach (var dropped in await actions.RestoreAsync(cancellationToken)) Log.Dropped(logger, dropped.Service, dropped.BackendId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Admin override of {Service}/{Backend} dropped: the configuration has no such backend any more")]
        public static partial void Dropped(ILogger logger, string service, string backend);
    }
}
