using Akka.Actor;
using Akka.Event;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Backends;

/// <summary>
/// Owns one backend: its health and its metrics. The request path records outcomes in the slot's
/// lock-free counters; this actor samples them on a timer, keeps a latency EWMA and publishes a
/// new <see cref="BackendSnapshot"/>. A restart resumes from the slot's last snapshot.
/// </summary>
public sealed class BackendActor : ReceiveActor, IWithTimers
{
    // Protocol
    public sealed record SetHealth(BackendHealth Health, string Reason);
    public sealed record GetStatus { public static readonly GetStatus Instance = new(); } // -> BackendSnapshot
    // Events (to the parent router)
    public sealed record RoutabilityChanged(string BackendId, bool Routable);
    // Internal
    private sealed record SampleDue { public static readonly SampleDue Instance = new(); }

    /// <summary>Weight of the newest sample in the latency EWMA (per sample interval).</summary>
    private const double LatencyAlpha = 0.3;

    private readonly BackendSlot _slot;
    private readonly TimeSpan _sampleInterval;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public BackendActor(BackendSlot slot, TimeSpan sampleInterval)
    {
        _slot = slot;
        _sampleInterval = sampleInterval;
        Receive<SampleDue>(_ => PublishSample());
        Receive<GetStatus>(_ => Sender.Tell(PublishSample()));
        Receive<SetHealth>(Handle);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(BackendSlot slot, TimeSpan sampleInterval) =>
        Akka.Actor.Props.Create(() => new BackendActor(slot, sampleInterval));

    protected override void PreStart() => Timers.StartPeriodicTimer("sample", SampleDue.Instance, _sampleInterval);

    private void Handle(SetHealth message)
    {
        var before = _slot.Current;
        if (before.Health == message.Health) return;
        var after = before with { Health = message.Health, UpdatedAt = DateTimeOffset.UtcNow };
        _slot.Publish(after);
        _log.Info("backend {0} is now {1}: {2}", _slot.Definition.Url, message.Health, message.Reason);
        if (before.Routable != after.Routable) Context.Parent.Tell(new RoutabilityChanged(_slot.Definition.Id, after.Routable));
    }

    private BackendSnapshot PublishSample()
    {
        var now = _slot.Counters.Sample();
        var current = _slot.Current;
        var previous = current.Totals;
        var samples = now.LatencySamples - previous.LatencySamples;
        var ewma = current.LatencyEwmaMs;
        if (samples > 0)
        {
            var averageMs = TimeSpan.FromTicks((now.LatencyTicks - previous.LatencyTicks) / samples).TotalMilliseconds;
            ewma = ewma == 0 ? averageMs : ewma + LatencyAlpha * (averageMs - ewma);
        }
        if (now == previous && ewma == current.LatencyEwmaMs) return current;
        var next = current with { Totals = now, LatencyEwmaMs = ewma, UpdatedAt = DateTimeOffset.UtcNow };
        _slot.Publish(next);
        return next;
    }
}
