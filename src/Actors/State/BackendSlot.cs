using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.State;

/// <summary>
/// One per backend, created when the backend is added and outliving its actor: the request path
/// reads <see cref="Current"/>, asks <see cref="Gate"/> for admission and records outcomes here;
/// only the BackendActor publishes snapshots and moves the gate between breaker states.
/// </summary>
public sealed class BackendSlot(BackendDefinition definition, CircuitBreakerOptions breaker, int connectionLimit = 0)
{
    private int _occupied;
    private volatile int _limit = connectionLimit;

    private volatile BackendSnapshot _current = BackendSnapshot.Initial(definition);
    private volatile IActorRef? _owner;
    private volatile BackendDefinition _definition = definition;
    private volatile BackendAdmin _admin = BackendAdmin.None;

    /// <summary>Its URL and weight; a config reload may change the weight of a kept backend.</summary>
    public BackendDefinition Definition => _definition;

    public CircuitBreakerOptions Breaker { get; } = breaker;

    /// <summary>The operator's override and the admin state it puts the backend in; written by the ServiceActor only.</summary>
    public BackendAdmin Admin => _admin;

    /// <summary>The weight routing uses: the override's, else the file's.</summary>
    public int Weight => _admin.Override.Weight ?? _definition.Weight;

    /// <summary>Routable (health, breaker) and enabled by the operator: the algorithm may pick it.</summary>
    public bool InRotation => _current.Routable && _admin.State == AdminState.Enabled;

    public BackendCounters Counters { get; } = new();

    public PassiveGate Gate { get; } = new(breaker.FailureThreshold);

    public BackendSnapshot Current => _current;

    /// <summary><c>max_connections</c>: requests in flight at once; 0 = no limit (and no counting). A reload may change it.</summary>
    public int ConnectionLimit => _limit;

    /// <summary>At its <c>max_connections</c>: the pick skips it.</summary>
    public bool IsFull
    {
        get
        {
            var limit = _limit;
            return limit > 0 && Volatile.Read(ref _occupied) >= limit;
        }
    }

    /// <summary>Its service's wait queue (set when the service has limits): told when a place frees up.</summary>
    public ConnectionQueue? Queue { get; internal set; }

    /// <summary>Admission for a new attempt: the gate's answer, and a place under <c>max_connections</c>. Every admission is ended by <see cref="Finish"/>.</summary>
    public Admission Admit(long nowMs) => Occupying(Gate.TryAdmit(nowMs));

    /// <summary>A fail-open rescue (see <see cref="PassiveGate.TryRescue"/>), also within <c>max_connections</c>.</summary>
    public Admission Rescue(long nowMs) => Occupying(Gate.TryRescue(nowMs));

    /// <summary>A place under <c>max_connections</c> for an admission decided without the gate (panic, slow-start bypass).</summary>
    public bool TryOccupy()
    {
        var limit = _limit;
        if (limit == 0) return true;
        var occupied = Volatile.Read(ref _occupied);
        while (occupied < limit)
        {
            var seen = Interlocked.CompareExchange(ref _occupied, occupied + 1, occupied);
            if (seen == occupied) return true;
            occupied = seen;
        }
        return false;
    }

    /// <summary>The session-affinity cookie value that names this backend (an HMAC; reveals nothing).</summary>
    public string AffinityToken { get; internal set; } = "";

    /// <summary>Records how a request ended and tells the actor what it must decide on (failures, the end of a streak).</summary>
    public void Finish(Admission admission, OutcomeKind kind, int status, long elapsedTicks)
    {
        if (_limit > 0)
        {
            // Requests admitted before a limit was set were not counted: never below zero.
            var occupied = Interlocked.Decrement(ref _occupied);
            if (occupied < 0) Interlocked.CompareExchange(ref _occupied, 0, occupied);
            Queue?.Signal();
        }
        var failure = kind is OutcomeKind.ConnectionError or OutcomeKind.BadResponse or OutcomeKind.Timeout
            || kind == OutcomeKind.Response && Breaker.IsFailureStatus(status);
        Counters.RequestFinished(kind, status, elapsedTicks, failure);
        if (kind is OutcomeKind.ClientAborted or OutcomeKind.RequestRefused)
        {
            Gate.Release(admission); // never held against the backend
            return;
        }
        if (failure)
        {
            var streak = Gate.RecordFailure(admission, Environment.TickCount64);
            if (admission != Admission.Rescue) _owner?.Tell(new BackendActor.RequestFailed(kind, status, streak));
        }
        else if (Gate.RecordSuccess(admission))
        {
            _owner?.Tell(admission == Admission.Rescue ? BackendActor.RescueSucceeded.Instance : BackendActor.RequestSucceeded.Instance);
        }
    }

    private Admission Occupying(Admission admission)
    {
        if (admission == Admission.Rejected || TryOccupy()) return admission;
        Gate.Release(admission); // full: the trial slot it may have taken goes back
        return Admission.Rejected;
    }

    internal void Publish(BackendSnapshot next) => _current = next;

    internal void SetAdmin(BackendAdmin admin) => _admin = admin;

    internal void Attach(IActorRef owner) => _owner = owner;

    /// <summary>Stops telling the actor (it is being stopped): outcomes of the last in-flight requests are only counted.</summary>
    internal void Detach() => _owner = null;

    internal void Redefine(BackendDefinition definition) => _definition = definition;

    /// <summary>
    /// A reload changed <c>max_connections</c> of this kept backend. Turning a limit on starts the
    /// count from the requests in flight now (none were counted without one); a raise wakes waiters at once.
    /// </summary>
    internal void Relimit(int limit)
    {
        var before = _limit;
        if (before == limit) return;
        if (before == 0) Volatile.Write(ref _occupied, (int)Counters.InFlight);
        _limit = limit;
        if (before == 0) return; // no one waited without a limit
        for (var i = 0; i < Math.Min(limit - before, 64); i++) Queue?.Signal();
    }
}
