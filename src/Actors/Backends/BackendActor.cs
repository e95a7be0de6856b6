using Akka.Actor;
using Akka.Event;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Backends;

/// <summary>
/// Owns one backend: active health probes, the circuit breaker (closed / open / half-open as
/// behaviours) and metrics. The request path records outcomes in the slot and tells this actor
/// about failures; the actor decides what they mean and publishes a new <see cref="BackendSnapshot"/>.
/// A restart resumes from the slot's last snapshot, so health and breaker state survive it.
/// </summary>
public sealed class BackendActor : ReceiveActor, IWithTimers
{
    // Protocol
    public sealed record SetHealth(BackendHealth Health, string Reason);
    public sealed record RequestFailed(OutcomeKind Kind, int Status, int Streak);
    public sealed record RequestSucceeded { public static readonly RequestSucceeded Instance = new(); }
    /// <summary>A fail-open request (nothing in the service was routable) succeeded: the backend is back.</summary>
    public sealed record RescueSucceeded { public static readonly RescueSucceeded Instance = new(); }
    public sealed record GetStatus { public static readonly GetStatus Instance = new(); } // -> BackendSnapshot
    // Events: RoutabilityChanged to the parent router; FlowEvents (backend.*, breaker.*, health_path.*, slow_start.*) on the event stream
    public sealed record RoutabilityChanged(string BackendId, bool Routable);
    // Internal
    private sealed record SampleDue { public static readonly SampleDue Instance = new(); }
    private sealed record ProbeDue { public static readonly ProbeDue Instance = new(); }
    private sealed record ProbeFinished(ProbeResult Result);
    private sealed record ProbeCrashed(Exception Error);
    private sealed record HalfOpenDue { public static readonly HalfOpenDue Instance = new(); }
    private sealed record ForgiveDue { public static readonly ForgiveDue Instance = new(); }
    private sealed record SlowStartDone { public static readonly SlowStartDone Instance = new(); }

    /// <summary>Weight of the newest sample in the latency EWMA (per sample interval).</summary>
    private const double LatencyAlpha = 0.3;

    private readonly BackendSlot _slot;
    private readonly string _service;
    private readonly ServiceSettings _settings;
    private readonly IHealthProber _prober;
    private readonly TimeSpan _sampleInterval;
    private readonly ErrorRateWindow _errorRate;
    private readonly ProbeStreak _probes;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RecentWindow _recent = new();
    private readonly long[] _latency = new long[LatencyBuckets.Count];
    private readonly long[] _latencyBefore = new long[LatencyBuckets.Count];
    private string? _lastError;
    private ProbeTarget _probeTarget;
    private bool _probing;
    private long _probeStarted;

    public BackendActor(BackendSlot slot, string service, ServiceSettings settings, IHealthProber prober, TimeSpan sampleInterval)
    {
        _slot = slot;
        _service = service;
        _settings = settings;
        _prober = prober;
        _sampleInterval = sampleInterval;
        slot.Counters.CopyLatency(_latencyBefore); // a restarted actor counts from here
        _errorRate = new ErrorRateWindow((int)Math.Ceiling(settings.CircuitBreaker.ErrorRateWindow / sampleInterval));
        _probes = new ProbeStreak(settings.ActiveHealthChecks.ConsecutiveUp, settings.ActiveHealthChecks.ConsecutiveDown);
        _probeTarget = settings.ActiveHealthChecks.Type == ActiveHealthCheckOptions.Grpc ? ProbeTarget.ForGrpc(settings.ActiveHealthChecks.GrpcService)
            : slot.Current.HealthPath is { } known ? ProbeTarget.ForPath(known)
            : settings.ActiveHealthChecks.Path is { } path ? ProbeTarget.ForPath(path)
            : ProbeTarget.Discover;
        switch (slot.Current.Breaker)
        {
            case BreakerState.Open: Become(Open); break;
            case BreakerState.HalfOpen: Become(HalfOpen); break;
            default: Become(Closed); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private CircuitBreakerOptions Breaker => _settings.CircuitBreaker;

    public static Props Props(BackendSlot slot, string service, ServiceSettings settings, IHealthProber prober, TimeSpan sampleInterval) =>
        Akka.Actor.Props.Create(() => new BackendActor(slot, service, settings, prober, sampleInterval));

    protected override void PreStart()
    {
        _slot.Attach(Self); // normally done by the parent already; keeps a standalone actor wired too
        Timers.StartPeriodicTimer("sample", SampleDue.Instance, _sampleInterval);
        if (_settings.ActiveHealthChecks.Enabled)
        {
            // The first probe comes soon but spread out, so 500 backends are not probed in the same millisecond.
            var spread = TimeSpan.FromMilliseconds(Math.Min(1000, _settings.ActiveHealthChecks.Interval.TotalMilliseconds));
            Timers.StartSingleTimer("probe", ProbeDue.Instance, spread * Random.Shared.NextDouble());
        }
        if (_slot.Current.Breaker == BreakerState.Open) ScheduleHalfOpen(_slot.Current.Ejections); // resumed after a restart
        if (_slot.Current.Ejections > 0) Timers.StartPeriodicTimer("forgive", ForgiveDue.Instance, Breaker.RecoveryTimeout);
    }

    private void Closed()
    {
        Common();
        Receive<RequestFailed>(failed =>
        {
            Note(failed);
            if (failed.Streak >= Breaker.FailureThreshold) OpenBreaker($"{failed.Streak} consecutive failures (last: {Describe(failed)})");
        });
        Receive<RequestSucceeded>(_ => { });
    }

    private void Open()
    {
        Common();
        Receive<RequestFailed>(Note);
        Receive<RequestSucceeded>(_ => CloseBreaker("a request succeeded")); // a last-resort request got through
        Receive<HalfOpenDue>(_ =>
        {
            _slot.Gate.HalfOpen();
            Transition(s => s with { Breaker = BreakerState.HalfOpen },
                new BreakerChanged(BreakerChanged.HalfOpen) { From = BreakerChanged.Open, To = BreakerChanged.HalfOpen, Reason = "letting one trial request through" });
            Become(HalfOpen);
        });
    }

    private void HalfOpen()
    {
        Common();
        Receive<RequestFailed>(failed =>
        {
            Note(failed);
            OpenBreaker($"trial request failed ({Describe(failed)})");
        });
        Receive<RequestSucceeded>(_ => CloseBreaker("trial request succeeded"));
    }

    private void Common()
    {
        Receive<SampleDue>(_ => PublishSample());
        Receive<GetStatus>(_ => Sender.Tell(PublishSample()));
        Receive<SetHealth>(set => ChangeHealth(set.Health, set.Reason));
        Receive<ProbeDue>(_ => StartProbe());
        Receive<RescueSucceeded>(_ => Rescued());
        Receive<ProbeFinished>(finished => HandleProbe(finished.Result));
        Receive<ProbeCrashed>(crashed =>
        {
            // A bug in probing says nothing about the backend: keep its state, probe again later.
            _probing = false;
            ProbeMetrics.Record(_service, _slot.Definition.Id, "error", _probeStarted);
            _log.Error(crashed.Error, "health probe of {0} crashed; backend state unchanged", _slot.Definition.Url);
            ScheduleProbe();
        });
        Receive<SlowStartDone>(_ => Announce(new SlowStartChanged(false, _settings.SlowStart)));
        Receive<ForgiveDue>(_ =>
        {
            // Ejections shrink back while the backend stays in rotation.
            if (_slot.Current.Breaker != BreakerState.Closed) return;
            var ejections = Math.Max(0, _slot.Current.Ejections - 1);
            _slot.Publish(_slot.Current with { Ejections = ejections });
            if (ejections == 0) Timers.Cancel("forgive");
        });
    }

    /// <summary>A request sent while nothing was routable succeeded: back in rotation (through slow start), as a half-open success would.</summary>
    private void Rescued()
    {
        const string reason = "a request succeeded while no backend of the service was routable";
        if (_slot.Current.Breaker != BreakerState.Closed) CloseBreaker(reason);
        if (_slot.Current.Health == BackendHealth.Unhealthy)
        {
            _probes.Reset();
            ChangeHealth(BackendHealth.Healthy, reason);
        }
    }

    private void OpenBreaker(string reason)
    {
        _slot.Gate.Open();
        var ejections = _slot.Current.Ejections + 1;
        var openFor = ScheduleHalfOpen(ejections);
        Transition(s => s with { Breaker = BreakerState.Open, Ejections = ejections },
            new BreakerChanged(BreakerChanged.Open, openFor, ejections) { From = StateNames.Of(_slot.Current.Breaker), To = BreakerChanged.Open, Reason = reason });
        _errorRate.Clear();
        Timers.StartPeriodicTimer("forgive", ForgiveDue.Instance, Breaker.RecoveryTimeout);
        Become(Open);
    }

    /// <summary>Starts the open period for the n-th consecutive ejection and returns its length.</summary>
    private TimeSpan ScheduleHalfOpen(int ejections)
    {
        var openFor = EjectionPolicy.OpenDuration(Breaker.RecoveryTimeout, ejections, Random.Shared);
        Timers.StartSingleTimer("half-open", HalfOpenDue.Instance, openFor);
        return openFor;
    }

    private void CloseBreaker(string reason)
    {
        Timers.Cancel("half-open");
        _errorRate.Clear(); // the failures that opened it (and of any outage since) must not open it again at once
        _slot.Gate.Close(_settings.SlowStart, Environment.TickCount64);
        Transition(s => s with { Breaker = BreakerState.Closed },
            new BreakerChanged(BreakerChanged.Closed) { From = StateNames.Of(_slot.Current.Breaker), To = BreakerChanged.Closed, Reason = reason });
        SlowStartBegun();
        Become(Closed);
    }

    private void StartProbe()
    {
        if (_probing) return;
        _probing = true;
        _probeStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var target = _probeTarget;
        Task<ProbeResult> probe;
        try
        {
            probe = _prober.ProbeAsync(_slot.Definition, target, _settings.ActiveHealthChecks.Timeout, CancellationToken.None);
        }
        catch (Exception e)
        {
            probe = Task.FromException<ProbeResult>(e);
        }
        probe.PipeTo(Self, success: r => new ProbeFinished(r), failure: e => new ProbeCrashed(e));
    }

    private void HandleProbe(ProbeResult result)
    {
        _probing = false;
        ProbeMetrics.Record(_service, _slot.Definition.Id, result.Healthy ? "healthy" : "unhealthy", _probeStarted);
        var discovered = _probeTarget.Mode == ProbeMode.Discover && result.Target.Mode != ProbeMode.Discover;
        if (discovered) _probeTarget = result.Target;
        if (result.Healthy && _slot.Current.Breaker == BreakerState.HalfOpen) CloseBreaker("health probe succeeded");
        if (discovered)
        {
            Transition(s => s with { HealthPath = result.Target.Path, Detail = result.Detail },
                new HealthPathResolved(result.Target.Path)
                {
                    To = result.Target.Path ?? "tcp",
                    Reason = result.Target.Path is null
                        ? $"none of {string.Join(", ", HttpHealthProber.DiscoveryPaths)} exists; checking TCP connect and passive health only"
                        : result.Detail,
                });
        }
        if (_probes.Record(result.Healthy, _slot.Current.Health) is { } changed) ChangeHealth(changed, result.Detail);
        ScheduleProbe(); // after the change: out of rotation, the next probe comes sooner
    }

    private void ScheduleProbe()
    {
        // Out of rotation, or a probe just failed (HAProxy's fastinter): the next probe comes sooner.
        var interval = _slot.Current.Routable && !_probes.Failing ? _settings.ActiveHealthChecks.Interval : _settings.ActiveHealthChecks.OutOfRotationInterval;
        Timers.StartSingleTimer("probe", ProbeDue.Instance, interval * (0.9 + 0.2 * Random.Shared.NextDouble()));
    }

    private void ChangeHealth(BackendHealth health, string reason)
    {
        var before = _slot.Current.Health;
        if (before == health) return;
        var readmitted = before == BackendHealth.Unhealthy && _slot.Current.Breaker == BreakerState.Closed;
        if (readmitted)
        {
            _errorRate.Clear();
            _slot.Gate.Close(_settings.SlowStart, Environment.TickCount64); // back in rotation: slow start
        }
        Transition(s => s with { Health = health },
            new BackendHealthChanged(health != BackendHealth.Unhealthy) { From = StateNames.Of(before), To = StateNames.Of(health), Reason = reason });
        if (readmitted) SlowStartBegun();
    }

    /// <summary>The gate has just ramped the backend back in: announce it, and its end.</summary>
    private void SlowStartBegun()
    {
        if (_settings.SlowStart <= TimeSpan.Zero) return;
        // A rescue closes the breaker and restores health in one go: one ramp, one announcement.
        if (!Timers.IsTimerActive("slow-start")) Announce(new SlowStartChanged(true, _settings.SlowStart));
        Timers.StartSingleTimer("slow-start", SlowStartDone.Instance, _settings.SlowStart);
    }

    /// <summary>Publishes a changed snapshot, announces the change (one event, one log line), and tells the router when routability flips.</summary>
    private void Transition(Func<BackendSnapshot, BackendSnapshot> change, FlowEvent announcement)
    {
        var before = _slot.Current;
        var now = DateTimeOffset.UtcNow;
        var after = change(before) with { UpdatedAt = now, ChangedAt = now };
        _slot.Publish(after);
        Announce(announcement);
        if (before.Routable == after.Routable) return;
        Context.Parent.Tell(new RoutabilityChanged(_slot.Definition.Id, after.Routable));
        if (_settings.ActiveHealthChecks.Enabled && !_probing) ScheduleProbe(); // the probe interval depends on it
    }

    private BackendSnapshot PublishSample()
    {
        var now = _slot.Counters.Sample();
        var current = _slot.Current;
        var previous = current.Totals;
        _errorRate.Add(now.Requests - previous.Requests, now.Failures - previous.Failures);
        // Out of rotation (unhealthy), only rescue requests reach it: their failures must not open a breaker.
        if (current.Breaker == BreakerState.Closed && current.Health != BackendHealth.Unhealthy && _errorRate.ErrorRate(Breaker.ErrorRateMinRequests) is { } rate && rate >= Breaker.ErrorRateThreshold)
        {
            OpenBreaker($"error rate {rate:0.#}% over the last {Breaker.ErrorRateWindow.TotalSeconds:0.#} s");
            current = _slot.Current;
        }
        _slot.Counters.CopyLatency(_latency);
        Span<long> delta = stackalloc long[LatencyBuckets.Count];
        for (var i = 0; i < delta.Length; i++) delta[i] = _latency[i] - _latencyBefore[i];
        _latency.CopyTo(_latencyBefore, 0);
        _recent.Add(now.Requests - previous.Requests, now.Failures - previous.Failures, delta);
        var recent = _recent.Stats(_sampleInterval);
        var samples = now.LatencySamples - previous.LatencySamples;
        var ewma = current.LatencyEwmaMs;
        if (samples > 0)
        {
            var averageMs = TimeSpan.FromTicks((now.LatencyTicks - previous.LatencyTicks) / samples).TotalMilliseconds;
            ewma = ewma == 0 ? averageMs : ewma + LatencyAlpha * (averageMs - ewma);
        }
        if (now == previous && ewma == current.LatencyEwmaMs && recent == current.Recent && _lastError == current.LastError) return current;
        var next = current with { Totals = now, LatencyEwmaMs = ewma, Recent = recent, LastError = _lastError, UpdatedAt = DateTimeOffset.UtcNow };
        _slot.Publish(next);
        return next;
    }

    /// <summary>The status API's last_error: published with the next sample.</summary>
    private void Note(RequestFailed failed) => _lastError = $"{Describe(failed)} at {DateTimeOffset.UtcNow:yyyy-MM-dd'T'HH:mm:ss'Z'}";

    private void Announce(FlowEvent announcement) =>
        FlowEvents.Publish(Context.System, announcement with { Service = _service, Backend = _slot.Definition.Id, Url = _slot.Definition.Url.ToString() });

    private static string Describe(RequestFailed failed) => failed.Kind switch
    {
        OutcomeKind.ConnectionError => "connection error",
        OutcomeKind.BadResponse => "bad response",
        OutcomeKind.Timeout => "timeout",
        _ => $"status {failed.Status}",
    };
}
