using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Routing;
using FlowBalance.Host.Edge;
using FlowBalance.Host.Plugins;
using FlowBalance.Host.Steering;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Reloads the config file when it changes (and on SIGHUP). The new file is validated first: if it
/// has errors they are logged as at startup and the running configuration stays. Otherwise it is
/// applied as a diff by the ConfigActor (see there), then to steering and plugins. One reload at a time.
/// </summary>
public sealed partial class ConfigReloader(
    ConfigSource source, FlowBalanceOptions initial, IRequiredActor<ConfigActor> configActor, RouteKeys keys, PluginManager plugins,
    CertificateFiles certificates, ActorSystem system, ILogger<ConfigReloader> log) : IHostedService, IDisposable
{
    /// <summary>Quiet time after the last file event: editors write a file in several steps.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    /// <summary>What the process started with: restart-only settings still run with these.</summary>
    private readonly FlowBalanceOptions _started = initial;
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private Timer? _debounce;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(source.Path);
        _debounce = new Timer(_ => _ = ReloadAsync("file changed"));
        // The folder, filtered to the file: editors often replace a file (write a temp, rename over it).
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true; // SIGHUP means "reload", not "terminate"
            _ = ReloadAsync("SIGHUP");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _sighup?.Dispose();
        _debounce?.Dispose();
    }

    public async Task ReloadAsync(string reason)
    {
        await _oneAtATime.WaitAsync();
        try
        {
            var path = Path.GetFullPath(source.Path);
            var (loaded, problems) = ConfigFile.Load(path);
            if (problems.Count > 0 || loaded.Options is null)
            {
                FlowEvents.Publish(system, new ConfigChangeRejected(path, [.. problems.Select(p => p.ToString())]) { Reason = reason });
                return;
            }
            var next = loaded.Options! with { Listen = source.ListenOverride ?? loaded.Options!.Listen };
            if (next.Services.IsEmpty && next.DemoBackends > 0 && source.DemoService is { } demo)
            {
                next = next.WithServices([demo with { Settings = next.DefaultSettings }]); // the demo backends keep running; settings follow the file
            }
            // Compared with what the process started with: that is what still runs until a restart.
            if (!next.Listen.SequenceEqual(_started.Listen)) LogNeedsRestart(log, "listen", string.Join(", ", _started.Listen));
            if (next.PluginsDirectory != _started.PluginsDirectory) LogNeedsRestart(log, "plugins_dir", _started.PluginsDirectory);
            if (next.ShutdownTimeout != _started.ShutdownTimeout) LogNeedsRestart(log, "shutdown_timeout", DurationText.Format(_started.ShutdownTimeout));
            if (!AcmeOptions.Same(next.Tls.Acme, _started.Tls.Acme) || next.Tls.Acme is { } acme && !acme.HostsFor(next.Services).SequenceEqual(acme.HostsFor(_started.Services)))
            {
                LogNeedsRestart(log, "tls.acme (or the hosts it covers)", "the certificates ordered at startup");
            }
            if (ConfigSource.AkkaSectionOf(loaded.Hocon) != source.AkkaSection) LogNeedsRestart(log, "the akka section", "as read at startup; Akka.NET checks its values only then");

            var applied = await configActor.ActorRef.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(next, reason), ApplyTimeout);
            keys.Update(next.Geo);
            plugins.Reconfigure(next); // the config actor announced config.applied
            certificates.Apply(next.Tls); // certificate files added, removed or changed; tls.default, min_version
        }
        catch (Exception e) when (e is AskTimeoutException or IOException or InvalidOperationException)
        {
            LogFailed(log, reason, e.Message);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key} changed; it takes effect on restart (still {Running})")]
    private static partial void LogNeedsRestart(ILogger logger, string key, string running);

    [LoggerMessage(Level = LogLevel.Error, Message = "configuration reload ({Reason}) failed: {Message}; the running configuration stays")]
    private static partial void LogFailed(ILogger logger, string reason, string message);
}
