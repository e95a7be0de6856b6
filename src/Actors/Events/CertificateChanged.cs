namespace FlowBalance.Actors.Events;

/// <summary>
/// <c>certificate.loaded</c> / <c>certificate.rejected</c> (a PEM file read or refused: the old
/// certificate stays) and <c>certificate.issued</c> / <c>certificate.renewed</c> /
/// <c>certificate.failed</c> (ACME). <see cref="Hosts"/> are the names it covers;
/// <see cref="NotAfter"/> its expiry; <see cref="FlowEvent.Reason"/> why it failed.
/// </summary>
public sealed record CertificateChanged(string Kind, IReadOnlyList<string> Hosts, DateTimeOffset? NotAfter, string? Path) : FlowEvent
{
    public const string Loaded = "loaded", Rejected = "rejected", Issued = "issued", Renewed = "renewed", Failed = "failed";

    public override string Type => Kind switch
    {
        Loaded => EventTypes.CertificateLoaded,
        Rejected => EventTypes.CertificateRejected,
        Issued => EventTypes.CertificateIssued,
        Renewed => EventTypes.CertificateRenewed,
        _ => EventTypes.CertificateFailed,
    };

    public override EventSeverity Severity => Kind is Rejected or Failed ? EventSeverity.Error : EventSeverity.Info;

    private string Names => string.Join(", ", Hosts);

    private string Expiry => NotAfter is { } t ? $", valid until {t.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "";

    public override string Describe() => Kind switch
    {
        Loaded => $"certificate for {Names} loaded from {Path}{Expiry}",
        Rejected => $"certificate file {Path} for {Names} was not used (the previous certificate stays): {Reason}",
        Issued => $"certificate for {Names} issued by ACME{Expiry}",
        Renewed => $"certificate for {Names} renewed by ACME{Expiry}",
        _ => $"ACME certificate for {Names} failed: {Reason}",
    };
}
