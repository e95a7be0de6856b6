using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Routing;
using FlowBalance.Host.Admin.Config;
using FlowBalance.Host.Edge;
using FlowBalance.Host.Plugins;
using FlowBalance.Host.Steering;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Reloads the config file when it changes (and on SIGHUP), and applies texts from the admin API. A
/// new text is validated first: if it has errors they are logged (or answered) as at startup and the
/// running configuration stays. Otherwise it is applied as a diff by the ConfigActor (see there), then
/// to steering and plugins, and recorded as a revision when the admin plane keeps them. One at a time.
/// </summary>
/// <remarks>
/// An API edit writes the file itself, so the watcher fires for it too. Both hold the same lock, and the
/// watcher's reload skips a file whose SHA-256 is that of the running text: the edit is applied once and
/// recorded once (source <c>api</c>), while a real hand edit (other bytes) is applied and recorded as <c>file</c>.
/// </remarks>
public sealed partial class ConfigReloader(
    ConfigSource source, FlowBalanceOptions initial, IRequiredActor<ConfigActor> configActor, RouteKeys keys, PluginManager plugins,
    CertificateFiles certificates, ActorSystem system, ILogger<ConfigReloader> log, ConfigRevisions? revisions = null) : IHostedService, IDisposable
{
    public const string FileChanged = "file changed";

    /// <summary>Quiet time after the last file event: editors write a file in several steps.</summary>
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ApplyTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    /// <summary>What the process started with: restart-only settings still run with these.</summary>
    private readonly FlowBalanceOptions _started = initial;
    /// <summary>Written under <see cref="_oneAtATime"/> only; read by the admin API from any thread.</summary>
    private volatile RunningConfig _running = new(source.Text, ConfigRevisions.Sha256(source.Text), source.Hocon, initial);
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;
    private Timer? _debounce;

    public RunningConfig Running => _running;

    /// <summary>The revision now running (0 without the admin plane).</summary>
    public long CurrentRevision => revisions?.Current ?? 0;

    public string FilePath => Path.GetFullPath(source.Path);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var running = _running;
        revisions?.RecordStartup(running.Text, $"startup: {running.Options.Services.Length} services, {running.Options.Services.Sum(s => s.Backends.Length)} backends");
        var full = FilePath;
        _debounce = new Timer(_ => _ = ReloadAsync(FileChanged));
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
            var path = FilePath;
            var (text, loaded, problems) = ConfigFile.Read(path);
            if (problems.Count > 0 || loaded.Options is null)
            {
                FlowEvents.Publish(system, new ConfigChangeRejected(path, [.. problems.Select(p => p.ToString())]) { Reason = reason });
                return;
            }
            var sha = ConfigRevisions.Sha256(text!);
            var before = _running;
            if (reason == FileChanged && sha == before.Sha256) return; // what already runs: an API edit's own write, or a touch
            var next = Effective(loaded.Options);
            await ApplyAsync(next, loaded, reason);
            _running = new RunningConfig(text!, sha, loaded.Hocon, next);
            if (sha != before.Sha256) revisions?.Record("file", "file", text!, ConfigDiff.Between(before.Options, before.Hocon, next, loaded.Hocon).Summary());
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

    /// <summary>
    /// Validates <paramref name="text"/> as the whole file, exactly as startup and reloads do, plus the
    /// one rule of edits through the API: the <c>akka</c> section must be the running file's (Akka.NET
    /// reads it only at startup, so an API edit that changes it would report success for nothing).
    /// </summary>
    public (ConfigLoadResult Loaded, IReadOnlyList<ConfigError> Errors, FlowBalanceOptions? Next, ConfigDiff? Diff) Check(string text)
    {
        var running = _running;
        var (loaded, _) = ConfigFile.Check(text, Path.GetDirectoryName(FilePath)!);
        var errors = loaded.Errors.ToList();
        if (loaded.Hocon is not null && ConfigSource.AkkaSectionOf(loaded.Hocon) != ConfigSource.AkkaSectionOf(running.Hocon))
        {
            errors.Add(new ConfigError("akka", null, "differs from the running file's akka section; Akka.NET reads it only at startup: edit hocon.conf and restart to change it (keep it as it is here)"));
        }
        if (errors.Count > 0 || loaded.Options is null) return (loaded, errors, null, null);
        var next = Effective(loaded.Options);
        return (loaded, errors, next, ConfigDiff.Between(running.Options, running.Hocon, next, loaded.Hocon));
    }

    /// <summary>
    /// Applies a text from the admin API: checks <paramref name="expectedRevision"/> (when given) and the
    /// text under the reload lock, writes the file atomically, applies it and records it as a revision.
    /// </summary>
    public async Task<ConfigApplyResult> ApplyTextAsync(string text, string revisionSource, string actor, long? expectedRevision, Func<ConfigDiff, string> summary, CancellationToken cancellation)
    {
        await _oneAtATime.WaitAsync(cancellation);
        try
        {
            var current = CurrentRevision;
            if (expectedRevision is { } expected && expected != current) return new(ConfigApplyResult.Outcome.Stale, current, current, [], null, []);
            var (loaded, errors, next, diff) = Check(text);
            if (next is null || diff is null) return new(ConfigApplyResult.Outcome.Invalid, current, current, errors, null, []);
            AtomicFile.Write(FilePath, text);
            // Before applying: the watcher's reload (it waits for this lock) then sees the running text and skips.
            _running = new RunningConfig(text, ConfigRevisions.Sha256(text), loaded.Hocon, next);
            var restart = await ApplyAsync(next, loaded, $"{revisionSource} by {actor}");
            var revision = revisions?.Record(revisionSource, actor, text, summary(diff)) ?? 0;
            return new(ConfigApplyResult.Outcome.Applied, current, revision, [], diff, restart);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private FlowBalanceOptions Effective(FlowBalanceOptions loaded)
    {
        var next = loaded with { Listen = source.ListenOverride ?? loaded.Listen };
        if (next.Services.IsEmpty && next.DemoBackends > 0 && source.DemoService is { } demo)
        {
            next = next.WithServices([demo with { Settings = next.DefaultSettings }]); // the demo backends keep running; settings follow the file
        }
        return next;
    }

    /// <summary>Applies validated options; returns the restart-only settings that changed (each also logged).</summary>
    private async Task<IReadOnlyList<string>> ApplyAsync(FlowBalanceOptions next, ConfigLoadResult loaded, string reason)
    {
        var restart = new List<string>();
        void NeedsRestart(string key, string running)
        {
            restart.Add(key);
            LogNeedsRestart(log, key, running);
        }
        // Compared with what the process started with: that is what still runs until a restart.
        if (!next.Listen.SequenceEqual(_started.Listen)) NeedsRestart("listen", string.Join(", ", _started.Listen));
        if (next.PluginsDirectory != _started.PluginsDirectory) NeedsRestart("plugins_dir", _started.PluginsDirectory);
        if (next.ShutdownTimeout != _started.ShutdownTimeout) NeedsRestart("shutdown_timeout", DurationText.Format(_started.ShutdownTimeout));
        if (!AcmeOptions.Same(next.Tls.Acme, _started.Tls.Acme) || next.Tls.Acme is { } acme && !acme.HostsFor(next.Services).SequenceEqual(acme.HostsFor(_started.Services)))
        {
            NeedsRestart("tls.acme (or the hosts it covers)", "the certificates ordered at startup");
        }
        if (ConfigSource.AkkaSectionOf(loaded.Hocon) != source.AkkaSection) NeedsRestart("the akka section", "as read at startup; Akka.NET checks its values only then");
        // The admin plane's listener, path, logins and roles are wired into the host when it starts.
        if (ConfigSource.SectionOf(loaded.Hocon, "flowbalance.admin") != ConfigSource.SectionOf(source.Hocon, "flowbalance.admin")) NeedsRestart("admin", "as read at startup");

        await configActor.ActorRef.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(next, reason), ApplyTimeout);
        keys.Update(next.Geo);
        plugins.Reconfigure(next); // the config actor announced config.applied
        certificates.Apply(next.Tls); // certificate files added, removed or changed; tls.default, min_version
        return restart;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key} changed; it takes effect on restart (still {Running})")]
    private static partial void LogNeedsRestart(ILogger logger, string key, string running);

    [LoggerMessage(Level = LogLevel.Error, Message = "configuration reload ({Reason}) failed: {Message}; the running configuration stays")]
    private static partial void LogFailed(ILogger logger, string reason, string message);
}
