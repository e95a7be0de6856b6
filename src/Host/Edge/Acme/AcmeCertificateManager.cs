using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// Keeps one ACME certificate per host set: at start it installs the stored ones, then orders the
/// missing ones and renews each on <see cref="RenewalSchedule"/> until stopped. Every outcome is a
/// <see cref="CertificateChanged"/> event; a failure keeps the installed certificate and is retried
/// with backoff. One order at a time (the gate), which also keeps <see cref="AcmeClient"/> single-threaded.
/// </summary>
public sealed partial class AcmeCertificateManager : BackgroundService
{
    private readonly AcmeClient _client;
    private readonly AcmeStorage _storage;
    private readonly Http01Challenges _challenges;
    private readonly Action<IssuedCertificate> _install;
    private readonly Action<FlowEvent> _publish;
    private readonly ILogger _log;
    private readonly RenewalSchedule _schedule;
    private readonly Random _random;
    /// <summary>Held while ordering; entries are only read or written under it.</summary>
    private readonly SemaphoreSlim _gate = new(1, 1);
    /// <summary>Released to make the loop look at the entries again (RenewNowAsync moved a due time).</summary>
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly List<Entry> _entries;

    public AcmeCertificateManager(
        AcmeClient client, AcmeStorage storage, Http01Challenges challenges, IEnumerable<IReadOnlyList<string>> hostSets,
        Action<IssuedCertificate> install, Action<FlowEvent> publish, ILogger<AcmeCertificateManager> log,
        RenewalSchedule? schedule = null, Random? random = null)
    {
        _client = client;
        _storage = storage;
        _challenges = challenges;
        _install = install;
        _publish = publish;
        _log = log;
        _schedule = schedule ?? RenewalSchedule.Default;
        _random = random ?? Random.Shared;
        _entries = [.. hostSets.Select(hosts => new Entry(hosts))];
    }

    /// <summary>Installs the stored certificates before returning, so the listener starts with them; ordering runs in the background.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _client.AccountUrl ??= _storage.LoadAccountUrl(_client.DirectoryUrl);
        foreach (var entry in _entries)
        {
            if (_storage.TryLoad(entry.Hosts) is not { } stored) continue;
            _install(stored);
            entry.Current = stored;
            entry.Due = _schedule.RenewAt(stored.NotBefore, stored.NotAfter, _random);
            _publish(new CertificateChanged(CertificateChanged.Loaded, entry.Hosts, stored.NotAfter, _storage.CertificatePath(entry.Hosts)));
        }
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Orders a new certificate for every host set now, whatever their expiry; outcomes are reported as events.</summary>
    public async Task RenewNowAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var entry in _entries) await RenewAsync(entry, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_entries.Count == 0) return;
        try
        {
            while (true)
            {
                TimeSpan sleep;
                await _gate.WaitAsync(stoppingToken);
                try
                {
                    foreach (var entry in _entries.Where(e => e.Due <= DateTimeOffset.UtcNow).ToList()) await RenewAsync(entry, stoppingToken);
                    sleep = _schedule.SleepUntil(_entries.Min(e => e.Due), DateTimeOffset.UtcNow);
                }
                finally
                {
                    _gate.Release();
                }
                await _wake.WaitAsync(sleep, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopped
        }
    }

    private async Task RenewAsync(Entry entry, CancellationToken cancellationToken)
    {
        var hosts = string.Join(", ", entry.Hosts);
        try
        {
            var issued = await _client.OrderAsync(entry.Hosts, _challenges, cancellationToken);
            if (_client.AccountUrl is { } account && account != _storage.LoadAccountUrl(_client.DirectoryUrl)) _storage.SaveAccountUrl(_client.DirectoryUrl, account);
            var path = _storage.Save(issued);
            _install(issued);
            var kind = entry.Current is null ? CertificateChanged.Issued : CertificateChanged.Renewed;
            entry.Current = issued;
            entry.Failures = 0;
            // Never due again at once, whatever the CA's idea of a lifetime: no ordering loop.
            var renewAt = _schedule.RenewAt(issued.NotBefore, issued.NotAfter, _random);
            var earliest = DateTimeOffset.UtcNow + _schedule.FirstRetry;
            entry.Due = renewAt > earliest ? renewAt : earliest;
            LogIssued(_log, kind, hosts, issued.NotAfter, entry.Due);
            _publish(new CertificateChanged(kind, entry.Hosts, issued.NotAfter, path));
        }
        // Anything else (a malformed answer, a full disk) must not end renewals for good: report it and retry later.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            entry.Failures++;
            entry.Due = DateTimeOffset.UtcNow + _schedule.RetryDelay(entry.Failures, (e as AcmeException)?.RetryAfter);
            LogFailed(_log, hosts, e.Message, entry.Failures, entry.Due);
            var path = entry.Current is null ? null : _storage.CertificatePath(entry.Hosts);
            _publish(new CertificateChanged(CertificateChanged.Failed, entry.Hosts, entry.Current?.NotAfter, path) { Reason = e.Message });
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _gate.Dispose();
        _wake.Dispose();
    }

    /// <summary>One host set's state; touched only under the gate.</summary>
    private sealed class Entry(IReadOnlyList<string> hosts)
    {
        public IReadOnlyList<string> Hosts { get; } = hosts;

        public IssuedCertificate? Current { get; set; }

        public DateTimeOffset Due { get; set; } = DateTimeOffset.MinValue;

        public int Failures { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ACME certificate {Kind} for {Hosts}, valid until {NotAfter:u}; renewal due {Due:u}")]
    private static partial void LogIssued(ILogger logger, string kind, string hosts, DateTimeOffset notAfter, DateTimeOffset due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ACME certificate for {Hosts} failed: {Reason} (failure {Failures} in a row; next attempt {Due:u}); the installed certificate stays")]
    private static partial void LogFailed(ILogger logger, string hosts, string reason, int failures, DateTimeOffset due);
}
