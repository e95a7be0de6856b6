namespace FlowBalance.Actors.Events;

/// <summary>The event type names: a contract for webhooks, alert rules and the admin API. Add, never rename.</summary>
public static class EventTypes
{
    public const string BackendUp = "backend.up";
    public const string BackendDown = "backend.down";
    public const string HealthPathDiscovered = "health_path.discovered";
    public const string HealthPathMissing = "health_path.missing";
    public const string BreakerOpen = "breaker.open";
    public const string BreakerHalfOpen = "breaker.half_open";
    public const string BreakerClosed = "breaker.closed";
    public const string SlowStartStarted = "slow_start.started";
    public const string SlowStartFinished = "slow_start.finished";
    public const string PanicEntered = "panic.entered";
    public const string PanicLeft = "panic.left";
    public const string ServiceAllDown = "service.all_down";
    public const string ServiceRecovered = "service.recovered";
    public const string DrainStarted = "drain.started";
    public const string DrainFinished = "drain.finished";
    public const string ConfigApplied = "config.applied";
    public const string ConfigRejected = "config.rejected";
    public const string PluginLoaded = "plugin.loaded";
    public const string PluginReloaded = "plugin.reloaded";
    public const string PluginFailed = "plugin.failed";
    public const string CertificateLoaded = "certificate.loaded";
    public const string CertificateRejected = "certificate.rejected";
    public const string CertificateIssued = "certificate.issued";
    public const string CertificateRenewed = "certificate.renewed";
    public const string CertificateFailed = "certificate.failed";

    public static readonly IReadOnlyList<string> All =
    [
        BackendUp, BackendDown, HealthPathDiscovered, HealthPathMissing, BreakerOpen, BreakerHalfOpen, BreakerClosed,
        SlowStartStarted, SlowStartFinished, PanicEntered, PanicLeft, ServiceAllDown, ServiceRecovered,
        DrainStarted, DrainFinished, ConfigApplied, ConfigRejected, PluginLoaded, PluginReloaded, PluginFailed,
        CertificateLoaded, CertificateRejected, CertificateIssued, CertificateRenewed, CertificateFailed,
    ];
}
