namespace FlowBalance.Host.Admin.Store;

/// <summary>
/// One line of the append-only audit trail. <see cref="Id"/> is assigned by the database on append
/// (pass 0); ids only grow, so they order entries and page the trail.
/// </summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset Time,
    string Actor,
    string? Address,
    string Action,
    string? Target,
    string? Before,
    string? After,
    string Result);
