using System.Collections.Immutable;
using System.Net;
using FlowBalance.Actors.State;
using FlowBalance.Host.Plugins;
using FlowBalance.Plugins.Abstractions;
using Microsoft.Extensions.ObjectPool;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// Per-request state shared between the retry loop and the transformer: which backend is being
/// tried, which were tried, and what is left of the request's retries. Instances are pooled: the
/// proxy rents one per request and returns it when the request is over, so the request path
/// allocates none of its own.
/// </summary>
public sealed class ForwardState
{
    // Enough for every request in flight on a busy node; beyond that, extra states are simply collected.
    private static readonly ObjectPool<ForwardState> Pool = new DefaultObjectPool<ForwardState>(new Policy(), maximumRetained: 4096);

    private readonly List<BackendSlot> _tried = new(4);
    private readonly Observability.AttemptRecord[] _attempts = new Observability.AttemptRecord[8];
    private int _recorded;

    public ServiceSlot Service { get; private set; } = null!;

    public BackendSlot Backend { get; private set; } = null!;

    public Admission Admission { get; private set; }

    /// <summary>Why the pick chose the current backend, for the request log.</summary>
    public BackendChoice Choice { get; private set; }

    /// <summary>What ended the previous attempt when the current one is a retry, for the request log.</summary>
    public Observability.RetryCause Retry { get; set; }

    public int RetriesLeft { get; set; }

    public int ConnectionRetriesLeft { get; set; }

    public int Attempts { get; private set; }

    public bool BodyReplayable { get; private set; }

    /// <summary>The retryable status the transformer held back (the response was not sent to the client), or 0.</summary>
    public int HeldStatus { get; set; }

    /// <summary>True while this request holds a token of the service's retry budget.</summary>
    public bool HoldsRetryToken { get; private set; }

    public long DeadlineMs { get; private set; }

    /// <summary>The request's region and affinity key, kept for retries.</summary>
    public RouteKey Key { get; private set; }

    /// <summary>The plugins that apply to this request (usually none: an empty array).</summary>
    public ActivePlugin[] Plugins { get; private set; } = [];

    /// <summary>A plugin whose response hook failed closed: the client gets 500 instead of the backend's response.</summary>
    public ActivePlugin? FailedPlugin { get; set; }

    /// <summary>The forwarder's result for the latest attempt.</summary>
    public ForwarderError LastError { get; set; }

    /// <summary>
    /// True once a backend answered something (unusable) or let the request time out: the failure is
    /// that answer (502/504), not the service being down (every connection refused, reset or closed: 503).
    /// </summary>
    public bool BackendAnswered { get; set; }

    /// <summary>What plugins are told about the current attempt.</summary>
    public RoutingDecision Decision => new(Service.Definition.Name, Backend.Definition.Id, Backend.Definition.Url, Attempts);

    /// <summary>The finished attempts, for the request log (the first eight).</summary>
    public ReadOnlySpan<Observability.AttemptRecord> AttemptRecords => _attempts.AsSpan(0, _recorded);

    public void RecordAttempt(Observability.AttemptRecord attempt)
    {
        if (_recorded < _attempts.Length) _attempts[_recorded++] = attempt;
    }

    /// <summary>Every backend tried so far, the current one included.</summary>
    public IReadOnlyList<BackendSlot> Tried => _tried;

    /// <summary>"https" or "http" as the client used it (X-Forwarded-Proto, the affinity cookie's Secure).</summary>
    public string Scheme { get; private set; } = "http";

    /// <summary><c>trusted_proxies</c> when the request started: whose X-Forwarded-For, Forwarded and X-Real-IP are kept.</summary>
    public ImmutableArray<IPNetwork> TrustedProxies { get; private set; } = [];

    /// <summary>A state for a new request; give it back with <see cref="Return"/> once nothing refers to it.</summary>
    public static ForwardState Rent(ServiceSlot service, long deadlineMs, bool bodyReplayable, RouteKey key, ActivePlugin[] plugins, string scheme, ImmutableArray<IPNetwork> trustedProxies)
    {
        var state = Pool.Get();
        state.Scheme = scheme;
        state.TrustedProxies = trustedProxies;
        var settings = service.Definition.Settings;
        state.Service = service;
        state.DeadlineMs = deadlineMs;
        state.BodyReplayable = bodyReplayable;
        state.Key = key;
        state.Plugins = plugins;
        state.RetriesLeft = settings.Retries;
        state.ConnectionRetriesLeft = settings.ConnectionErrors.MaxConnectionRetries;
        return state;
    }

    public static void Return(ForwardState state) => Pool.Return(state);

    public void Begin(BackendSlot backend, Admission admission, BackendChoice choice)
    {
        _tried.Add(backend);
        Backend = backend;
        Admission = admission;
        Choice = choice;
        HeldStatus = 0;
        Attempts++;
    }

    /// <summary>
    /// Called by the transformer on a 502/503/504: true when the response may be discarded because
    /// the request will be re-sent to a backend it has not tried yet.
    /// </summary>
    public bool TryClaimStatusRetry(string method) => Service.Current.All.Length > Attempts && TryUseRetry(method);

    /// <summary>
    /// Uses one of <c>retries</c> to re-send a request the backend may have seen: only idempotent
    /// methods with a replayable body, before the deadline, within the service's retry budget.
    /// </summary>
    public bool TryUseRetry(string method)
    {
        if (RetriesLeft <= 0 || !BodyReplayable || !RetryRules.IsIdempotent(method) || Environment.TickCount64 >= DeadlineMs) return false;
        if (!TryTakeRetryToken()) return false;
        RetriesLeft--;
        return true;
    }

    /// <summary>Takes a token of the service's retry budget, once per request; it is given back when the request ends.</summary>
    public bool TryTakeRetryToken()
    {
        if (!HoldsRetryToken) HoldsRetryToken = Service.Retries.TryStartRetry();
        return HoldsRetryToken;
    }

    /// <summary>Forgets the request (no slot, backend or plugin stays reachable from the pool).</summary>
    private void Clear()
    {
        _tried.Clear();
        Array.Clear(_attempts);
        _recorded = 0;
        Service = null!;
        Backend = null!;
        Admission = default;
        Choice = default;
        Retry = default;
        Attempts = 0;
        HeldStatus = 0;
        HoldsRetryToken = false;
        Key = default;
        Plugins = [];
        TrustedProxies = [];
        FailedPlugin = null;
        LastError = ForwarderError.None;
        BackendAnswered = false;
    }

    private sealed class Policy : IPooledObjectPolicy<ForwardState>
    {
        public ForwardState Create() => new();

        public bool Return(ForwardState state)
        {
            state.Clear();
            // A request that tried very many backends grew its list: let that one go rather than keep it.
            return state._tried.Capacity <= 16;
        }
    }
}
