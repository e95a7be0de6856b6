using Akka.Actor;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.State;
using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>
/// Loads every plugin folder at startup (before Kestrel listens) and again whenever the plugins
/// directory changes: a changed folder is loaded into a new context and swapped in for new
/// requests (in-flight ones finish on the old one); a folder that fails to load is reported with
/// its path and reason, and the version already running (if any) stays. Never on the request path.
/// </summary>
public sealed partial class PluginManager(FlowBalanceOptions options, PluginSetStore store, RoutingTableStore routes, ActorSystem system, ILoggerFactory loggers) : IHostedService, IDisposable
{
    /// <summary>Quiet time after the last file event before rescanning: a copy is many events.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan FailureSummaryInterval = TimeSpan.FromSeconds(10);

    private readonly ILogger _log = loggers.CreateLogger("FlowBalance.Plugins");
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ActivePlugin> _active = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Folder → fingerprint that failed to load, so an unchanged broken folder is reported once.</summary>
    private readonly Dictionary<string, string> _failed = new(StringComparer.OrdinalIgnoreCase);
    private FlowBalanceOptions _config = options;
    private FileSystemWatcher? _watcher;
    private Timer? _rescan;
    private Timer? _flush;

    /// <summary>Fixed at startup: a changed plugins_dir takes effect on restart (the reloader says so).</summary>
    public string Directory { get; } = options.PluginsDirectory;

    /// <summary>Folders that failed to load (and have not changed since), by name.</summary>
    public IReadOnlyList<string> FailedFolders
    {
        get
        {
            lock (_gate) return [.. _failed.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Rescan(startup: true);
        _rescan = new Timer(_ => Rescan(startup: false));
        _flush = new Timer(_ => FlushFailures(), null, FailureSummaryInterval, FailureSummaryInterval);
        Watch();
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
        _rescan?.Dispose();
        _flush?.Dispose();
    }

    private void Watch()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            LogNoDirectory(_log, Directory);
            return;
        }
        _watcher = new FileSystemWatcher(Directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler changed = (_, _) => _rescan?.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.Created += changed;
        _watcher.Changed += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _rescan?.Change(Debounce, Timeout.InfiniteTimeSpan);
        _watcher.Error += (_, e) =>
        {
            LogWatchError(_log, e.GetException().Message);
            _rescan?.Change(Debounce, Timeout.InfiniteTimeSpan);
        };
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>
    /// A reloaded config: when the plugin sections changed, every running plugin builds its middleware
    /// again from its new section (its assembly stays loaded; if it refuses the new settings, the
    /// running middleware stays), and folders are rescanned for plugins switched on or off.
    /// </summary>
    public void Reconfigure(FlowBalanceOptions next)
    {
        lock (_gate)
        {
            var before = _config;
            _config = next;
            if (Fingerprint(before) == Fingerprint(next)) return;
            foreach (var (name, running) in _active.ToList())
            {
                var pluginOptions = next.PluginFor(name);
                if (!pluginOptions.Enabled) continue; // the rescan retires it
                try
                {
                    _active[name] = Activate(running.Source, pluginOptions, unloadOnFailure: false);
                    LogReconfigured(_log, name);
                }
                catch (PluginLoadException e)
                {
                    LogReconfigureFailed(_log, name, e.Message);
                }
            }
            _failed.Clear(); // a folder that failed because of its settings gets another chance
            Rescan(startup: false);
        }
    }

    private static string Fingerprint(FlowBalanceOptions options) =>
        string.Join('\n', options.Plugins.Select(p => $"{p.Name}|{p.Enabled}|{p.Order}|{string.Join(',', p.Services)}|{p.FailureMode}|{p.Settings.Canonical()}"));

    /// <summary>Brings the active set in line with the folders on disk, then publishes it.</summary>
    public void Rescan(bool startup)
    {
        lock (_gate)
        {
            var folders = PluginFolder.Scan(Directory);
            var retired = new List<ActivePlugin>();
            foreach (var gone in _active.Keys.Where(name => folders.All(f => !f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).ToList())
            {
                LogRemoved(_log, gone);
                retired.Add(_active[gone]);
                _active.Remove(gone);
            }
            foreach (var folder in folders) Refresh(folder, startup, retired);
            if (startup) ReportUnmatchedSections(folders);
            store.Publish(new PluginSet(_active.Values));
            // Unload after the swap: requests still in the old code keep the context alive until they finish.
            foreach (var old in retired)
            {
                if (_active.Values.All(a => !ReferenceEquals(a.Source, old.Source))) old.Source.Dispose();
            }
        }
    }

    private void Refresh(PluginFolder folder, bool startup, List<ActivePlugin> retired)
    {
        var pluginOptions = _config.PluginFor(folder.Name);
        _active.TryGetValue(folder.Name, out var running);
        if (!pluginOptions.Enabled)
        {
            if (startup || running is not null) LogDisabled(_log, folder.Name, folder.Path);
            if (running is not null) Retire(folder.Name, running, retired);
            return;
        }
        if (running is not null && running.Source.Folder.Fingerprint == folder.Fingerprint) return;
        if (_failed.TryGetValue(folder.Name, out var failedPrint) && failedPrint == folder.Fingerprint) return;
        if (!folder.HasAssemblies)
        {
            if (startup) LogNotBuilt(_log, folder.Name, folder.Path);
            if (running is not null) Retire(folder.Name, running, retired);
            return;
        }
        try
        {
            var next = Activate(LoadedPlugin.Load(folder), pluginOptions);
            _failed.Remove(folder.Name);
            _active[folder.Name] = next;
            if (running is null)
            {
                Announce(new PluginChanged(PluginChanged.Loaded, folder.Name, next.Source.AssemblyPath) { To = next.Source.Version, Reason = next.Source.Entry.DisplayName });
            }
            else
            {
                Announce(new PluginChanged(PluginChanged.Reloaded, folder.Name, next.Source.AssemblyPath) { From = running.Source.Version, To = next.Source.Version });
                retired.Add(running);
            }
        }
        catch (PluginLoadException e)
        {
            _failed[folder.Name] = folder.Fingerprint;
            Announce(new PluginChanged(PluginChanged.Failed, folder.Name, folder.Path)
            {
                From = running?.Source.Version, To = running?.Source.Version,
                Reason = running is null
                    ? $"{e.Message}. The balancer runs without it."
                    : $"{e.Message}. Version {running.Source.Version} keeps running.",
            });
        }
    }

    private void Announce(PluginChanged change) => FlowEvents.Publish(system, change);

    private void Retire(string name, ActivePlugin running, List<ActivePlugin> retired)
    {
        _active.Remove(name);
        retired.Add(running);
    }

    /// <summary>Lets the plugin build its middleware from its settings; a refused setting names its key and line.</summary>
    private ActivePlugin Activate(LoadedPlugin loaded, PluginOptions pluginOptions, bool unloadOnFailure = true)
    {
        var settings = new PluginSettings(pluginOptions.Settings);
        var logger = loggers.CreateLogger($"FlowBalance.Plugins.{pluginOptions.Name}");
        try
        {
            var middleware = loaded.Entry.Create(new PluginContext(pluginOptions.Name, settings, logger, new RoutingView(routes)))
                ?? throw new PluginLoadException($"{loaded.Entry.GetType().FullName}.Create returned null");
            return new ActivePlugin(loaded, pluginOptions, middleware, new FailureLog(pluginOptions.Name, _log, FailureSummaryInterval));
        }
        catch (Exception e)
        {
            if (unloadOnFailure) loaded.Dispose();
            throw e switch
            {
                PluginLoadException => e,
                PluginConfigurationException config => new PluginLoadException(new ConfigError(config.Key, settings.LineOf(config.Key), config.Message).ToString()),
                _ => new PluginLoadException($"{nameof(IFlowBalancePlugin.Create)} failed: {LoadedPlugin.Describe(e)}"),
            };
        }
    }

    private void ReportUnmatchedSections(IReadOnlyList<PluginFolder> folders)
    {
        foreach (var section in _config.Plugins.Where(p => folders.All(f => !f.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))))
        {
            LogNoFolder(_log, section.Settings.Path, section.Settings.Line, section.Name, Directory);
        }
    }

    private void FlushFailures()
    {
        foreach (var plugin in store.Current.All) plugin.Failures.Flush();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin '{Name}' reconfigured from the reloaded config")]
    private static partial void LogReconfigured(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "plugin '{Name}' refused its new settings: {Reason}. It keeps running with the previous ones.")]
    private static partial void LogReconfigureFailed(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin '{Name}' removed; in-flight requests finish with it")]
    private static partial void LogRemoved(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin '{Name}' in {Path} is disabled (enabled = false)")]
    private static partial void LogDisabled(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "plugin folder '{Name}' ({Path}) has no DLL yet (not built?); skipped")]
    private static partial void LogNotBuilt(ILogger logger, string name, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key} (line {Line}): no plugin folder '{Name}' in {Directory}")]
    private static partial void LogNoFolder(ILogger logger, string key, int? line, string name, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "no plugins directory at {Directory}; no plugins loaded (create it and restart to add some)")]
    private static partial void LogNoDirectory(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching the plugins directory failed ({Message}); rescanning")]
    private static partial void LogWatchError(ILogger logger, string message);
}
