using System.Net;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>ip_allow</c> / <c>ip_deny</c>: a client address in <see cref="Deny"/> is refused; with a non-empty
/// <see cref="Allow"/>, so is one outside it (deny wins over allow; an empty allow list allows everyone).
/// </summary>
public sealed record IpRules(IpRanges Allow, IpRanges Deny)
{
    /// <summary>Whether the client is refused. An unknown address passes a deny list but not an allow list.</summary>
    public bool Refuses(IPAddress? client)
    {
        if (client is null) return !Allow.IsEmpty;
        return Deny.Contains(client) || (!Allow.IsEmpty && !Allow.Contains(client));
    }

    // By value (the ranges' sets compare by reference), so a reload can tell a changed list from an unchanged one.
    public bool Equals(IpRules? other) =>
        other is not null && Allow.Networks.SequenceEqual(other.Allow.Networks) && Deny.Networks.SequenceEqual(other.Deny.Networks);

    public override int GetHashCode() => HashCode.Combine(Allow.Networks.Length, Deny.Networks.Length);
}
