using FlowBalance.Actors.State;
using FlowBalance.Host.Plugins;
using FlowBalance.Plugins.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// Per-request state shared between the retry loop and the transformer: which backend is being
/// tried, which were tried, and what is left of the request's retries.
/// </summary>
public sealed class ForwardState(ServiceSlot service, long deadlineMs, bool bodyReplayable)
{
    private List<BackendSlot>? _tried;

    public ServiceSlot Service { get; } = service;

    public BackendSlot Backend { get; private set; } = null!;

    public Admission Admission { get; private set; }

    public int RetriesLeft { get; set; } = service.Definition.Settings.Retries;

    public int ConnectionRetriesLeft { get; set; } = service.Definition.Settings.ConnectionErrors.MaxConnectionRetries;

    public int Attempts { get; private set; }

    public bool BodyReplayable { get; } = bodyReplayable;

    /// <summary>The retryable status the transformer held back (the response was not sent to the client), or 0.</summary>
    public int HeldStatus { get; set; }

    /// <summary>True while this request holds a token of the service's retry budget.</summary>
    public bool HoldsRetryToken { get; private set; }

    public long DeadlineMs { get; } = deadlineMs;

    /// <summary>The request's region and affinity key, kept for retries.</summary>
    public RouteKey Key { get; init; }

    /// <summary>The plugins that apply to this request (usually none: an empty array).</summary>
    public ActivePlugin[] Plugins { get; init; } = [];

    /// <summary>A plugin whose response hook failed closed: the client gets 500 instead of the backend's response.</summary>
    public ActivePlugin? FailedPlugin { get; set; }

    /// <summary>The forwarder's result for the latest attempt.</summary>
    public ForwarderError LastError { get; set; }

    /// <summary>What plugins are told about the current attempt.</summary>
    public RoutingDecision Decision => new(Service.Definition.Name, Backend.Definition.Id, Backend.Definition.Url, Attempts);

    /// <summary>Every backend tried so far, the current one included; built only when a retry needs it.</summary>
    public IReadOnlyList<BackendSlot> Tried => _tried ??= [Backend];

    public void Begin(BackendSlot backend, Admission admission)
    {
        if (Attempts > 0)
        {
            _tried ??= [Backend];
            _tried.Add(backend);
        }
        Backend = backend;
        Admission = admission;
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
}
