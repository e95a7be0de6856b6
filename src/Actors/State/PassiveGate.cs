namespace FlowBalance.Actors.State;

/// <summary>
/// The request path's own, lock-free view of a backend's recent failures, so that detection never
/// waits for an actor or a probe: after one failure the backend gets one request at a time, after
/// <c>failure_threshold</c> consecutive failures none, until its actor decides otherwise
/// (half-open trial, close). The actor is told of each failure and of the first success after one.
/// </summary>
public sealed class PassiveGate(int failureThreshold)
{
    private int _streak;
    private int _trialInFlight;
    private int _blocked;
    private int _halfOpen;
    private long _notBeforeMs;
    private long _slowStartBeganMs;
    private long _slowStartMs;
    private long _lastFailureMs;

    public int Streak => Volatile.Read(ref _streak);

    public bool IsBlocked => Volatile.Read(ref _blocked) != 0;

    /// <summary>When the backend last failed a request (Environment.TickCount64), 0 if never.</summary>
    public long LastFailureMs => Volatile.Read(ref _lastFailureMs);

    public Admission TryAdmit(long nowMs)
    {
        if (Volatile.Read(ref _blocked) != 0 || nowMs < Volatile.Read(ref _notBeforeMs)) return Admission.Rejected;
        if (Volatile.Read(ref _streak) > 0 || Volatile.Read(ref _halfOpen) != 0)
        {
            return Interlocked.CompareExchange(ref _trialInFlight, 1, 0) == 0 ? Admission.Trial : Admission.Rejected;
        }
        var began = Volatile.Read(ref _slowStartBeganMs);
        if (began != 0)
        {
            // Slow start: the share ramps linearly from 10% to 100% over the window.
            var window = Volatile.Read(ref _slowStartMs);
            var elapsed = nowMs - began;
            if (elapsed >= window) Volatile.Write(ref _slowStartBeganMs, 0);
            else if (Random.Shared.NextInt64(window) >= Math.Max(elapsed, window / 10)) return Admission.Rejected;
        }
        return Admission.Admitted;
    }

    /// <summary>
    /// Fail open: admits one request at a time whatever the breaker says (a backend's Retry-After is
    /// still honoured). The slot is the same as the suspect's trial, so a backend never has more than
    /// one such request in flight.
    /// </summary>
    public Admission TryRescue(long nowMs)
    {
        if (nowMs < Volatile.Read(ref _notBeforeMs)) return Admission.Rejected;
        return Interlocked.CompareExchange(ref _trialInFlight, 1, 0) == 0 ? Admission.Rescue : Admission.Rejected;
    }

    /// <summary>Whether a rescue or trial request could be admitted now (a hint for choosing; <see cref="TryRescue"/> decides).</summary>
    public bool TrialFree(long nowMs) => Volatile.Read(ref _trialInFlight) == 0 && nowMs >= Volatile.Read(ref _notBeforeMs);

    /// <summary>Neither suspect nor blocked nor held back: a backend the pick refused only for slow start.</summary>
    public bool IsClear(long nowMs) =>
        Volatile.Read(ref _blocked) == 0 && Volatile.Read(ref _streak) == 0 && Volatile.Read(ref _halfOpen) == 0 && nowMs >= Volatile.Read(ref _notBeforeMs);

    /// <summary>Records a success; returns true when this ended a failure streak or a half-open trial (the actor must hear of it).</summary>
    public bool RecordSuccess(Admission admission)
    {
        if (admission == Admission.Rescue)
        {
            Volatile.Write(ref _trialInFlight, 0);
            return true;
        }
        if (admission == Admission.Trial) Volatile.Write(ref _trialInFlight, 0);
        if (Volatile.Read(ref _streak) == 0 && Volatile.Read(ref _halfOpen) == 0) return false;
        Volatile.Write(ref _streak, 0);
        return true;
    }

    /// <summary>Records a failure and returns the streak length; blocks the backend at the threshold or on a failed trial.</summary>
    public int RecordFailure(Admission admission, long nowMs)
    {
        Volatile.Write(ref _lastFailureMs, nowMs);
        if (admission == Admission.Rescue)
        {
            // A failed rescue keeps the backend where it was: no longer streak, no longer ejection.
            Volatile.Write(ref _trialInFlight, 0);
            return Volatile.Read(ref _streak);
        }
        var streak = Interlocked.Increment(ref _streak);
        if (streak >= failureThreshold || Volatile.Read(ref _halfOpen) != 0) Volatile.Write(ref _blocked, 1);
        if (admission == Admission.Trial) Volatile.Write(ref _trialInFlight, 0);
        return streak;
    }

    /// <summary>Ends an admission that says nothing about the backend (the client went away).</summary>
    public void Release(Admission admission)
    {
        if (admission is Admission.Trial or Admission.Rescue) Volatile.Write(ref _trialInFlight, 0);
    }

    /// <summary>Honours a backend's <c>Retry-After</c>: no new request before <paramref name="untilMs"/>.</summary>
    public void HoldUntil(long untilMs) => Volatile.Write(ref _notBeforeMs, untilMs);

    // Written by the backend's actor only.
    internal void Open()
    {
        Volatile.Write(ref _blocked, 1);
        Volatile.Write(ref _halfOpen, 0);
    }

    internal void HalfOpen()
    {
        Volatile.Write(ref _streak, 0);
        Volatile.Write(ref _trialInFlight, 0);
        Volatile.Write(ref _halfOpen, 1);
        Volatile.Write(ref _blocked, 0);
    }

    internal void Close(TimeSpan slowStart, long nowMs)
    {
        Volatile.Write(ref _halfOpen, 0);
        Volatile.Write(ref _streak, 0);
        Volatile.Write(ref _trialInFlight, 0);
        Volatile.Write(ref _slowStartMs, (long)slowStart.TotalMilliseconds);
        Volatile.Write(ref _slowStartBeganMs, slowStart > TimeSpan.Zero ? Math.Max(nowMs, 1) : 0);
        Volatile.Write(ref _blocked, 0);
    }
}
