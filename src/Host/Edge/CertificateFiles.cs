using System.Security.Cryptography;
using Akka.Actor;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Edge;

/// <summary>
/// Serves <c>tls.certificates</c> and follows their files: a renewed pair (certbot, cert-manager) is
/// used for new handshakes within seconds; open connections keep theirs. A file that cannot be used
/// (half written, key and certificate not yet matching) is tried again a few times before it is
/// reported (<c>certificate.rejected</c>); the previous certificate stays meanwhile.
/// </summary>
public sealed partial class CertificateFiles(CertificateStore store, ILogger<CertificateFiles> log) : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private const int Attempts = 4;
    /// <summary>Also checked on a timer: watchers can miss changes (network file systems, the inotify limit).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FileSystemWatcher> _watchers = [];
    private List<Entry> _entries = [];
    private Timer? _check;
    private ActorSystem? _events;
    private TlsOptions _tls = TlsOptions.None;

    private sealed class Entry(CertificateFileOptions options)
    {
        public CertificateFileOptions Options { get; } = options;
        public string Source => SourceOf(Options);

        public static string SourceOf(CertificateFileOptions options) => CertificateStore.FileSourcePrefix + options.CertPath;
        public string? Served; // fingerprint of the files now served
        public string? Tried;  // fingerprint last tried and refused
        public int Failures;
    }

    /// <summary>Serves the configured files now (startup validated them; a file broken since then is reported).</summary>
    public void Apply(TlsOptions tls)
    {
        lock (_gate)
        {
            // A new min_version means new handshake options for every certificate.
            var previous = tls.MinVersion == _tls.MinVersion ? _entries.ToDictionary(e => e.Source) : [];
            _tls = tls;
            _entries = [.. tls.Certificates.Select(c => previous.TryGetValue(Entry.SourceOf(c), out var old) && old.Options.SameAs(c) ? old : new Entry(c))];
            var sources = _entries.Select(e => e.Source).ToHashSet();
            store.RemoveWhere(c => c.Source.StartsWith(CertificateStore.FileSourcePrefix, StringComparison.Ordinal) && !sources.Contains(c.Source));
            store.SetDefault(tls.Default);
            foreach (var entry in _entries) TryLoad(entry, lastAttempt: true);
            Watch(_entries.SelectMany(e => new[] { e.Options.CertPath, e.Options.KeyPath }).Select(Path.GetDirectoryName).OfType<string>().ToHashSet());
            _check ??= new Timer(_ => Check(), null, Poll, Poll);
        }
    }

    /// <summary>From here on, changes are published as events (the actor system exists once the host started).</summary>
    public void PublishTo(ActorSystem system)
    {
        _events = system;
        foreach (var served in store.All.Where(c => c.Source.StartsWith(CertificateStore.FileSourcePrefix, StringComparison.Ordinal)))
        {
            Publish(new CertificateChanged(CertificateChanged.Loaded, served.Hosts, served.NotAfter, served.Source[CertificateStore.FileSourcePrefix.Length..]));
        }
    }

    private void Check()
    {
        lock (_gate)
        {
            var retry = false;
            foreach (var entry in _entries) retry |= TryLoad(entry, lastAttempt: false);
            if (retry) _check?.Change(RetryAfter, Poll);
        }
    }

    /// <summary>Loads the entry's files if they changed; true when a failure should be tried again soon.</summary>
    private bool TryLoad(Entry entry, bool lastAttempt)
    {
        var fingerprint = Fingerprint(entry.Options);
        if (fingerprint == entry.Served || fingerprint == entry.Tried) return false;
        try
        {
            var pem = PemCertificate.Load(entry.Options.CertPath, entry.Options.KeyPath);
            var hosts = entry.Options.Hosts.IsEmpty ? pem.DnsNames : entry.Options.Hosts;
            if (hosts.FirstOrDefault(h => !pem.Covers(h)) is { } uncovered)
            {
                throw new CertificateFileException($"the new certificate does not cover '{uncovered}' (its names: {string.Join(", ", pem.DnsNames)})");
            }
            var reloaded = entry.Served is not null;
            store.Set(new ServedCertificate(entry.Source, hosts, pem, TlsPolicy.Protocols(_tls.MinVersion)));
            (entry.Served, entry.Tried, entry.Failures) = (fingerprint, null, 0);
            Publish(new CertificateChanged(CertificateChanged.Loaded, hosts, pem.NotAfter, entry.Options.CertPath) { Reason = reloaded ? "file changed" : "" });
            return false;
        }
        catch (CertificateFileException e)
        {
            if (!lastAttempt && ++entry.Failures < Attempts) return true; // a renewal may be half way through
            (entry.Tried, entry.Failures) = (fingerprint, 0);
            Publish(new CertificateChanged(CertificateChanged.Rejected, entry.Options.Hosts, null, entry.Options.CertPath) { Reason = e.Message });
            return false;
        }
    }

    private void Watch(HashSet<string> directories)
    {
        foreach (var gone in _watchers.Keys.Where(d => !directories.Contains(d)).ToList())
        {
            _watchers[gone].Dispose();
            _watchers.Remove(gone);
        }
        foreach (var directory in directories.Where(d => !_watchers.ContainsKey(d) && Directory.Exists(d)))
        {
            var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime };
            FileSystemEventHandler changed = (_, _) => _check?.Change(Debounce, Poll);
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, _) => _check?.Change(Debounce, Poll);
            watcher.EnableRaisingEvents = true;
            _watchers[directory] = watcher;
        }
    }

    /// <summary>What the two files hold now (symbolic links followed), or a marker when one cannot be read.</summary>
    private static string Fingerprint(CertificateFileOptions options)
    {
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(File.ReadAllBytes(options.CertPath));
            hash.AppendData(File.ReadAllBytes(options.KeyPath));
            return Convert.ToHexString(hash.GetHashAndReset());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable: " + e.Message;
        }
    }

    private void Publish(CertificateChanged change)
    {
        if (_events is { } system) FlowEvents.Publish(system, change);
        else if (change.Kind == CertificateChanged.Rejected) LogRejected(log, change.Describe());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Text}")]
    private static partial void LogRejected(ILogger logger, string text);

    public void Dispose()
    {
        lock (_gate)
        {
            _check?.Dispose();
            foreach (var watcher in _watchers.Values) watcher.Dispose();
            _watchers.Clear();
        }
    }
}
