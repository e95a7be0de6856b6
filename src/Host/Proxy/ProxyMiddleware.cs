using System.Diagnostics;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;
using FlowBalance.Host.Edge;
using FlowBalance.Host.Observability;
using FlowBalance.Host.Plugins;
using FlowBalance.Host.Steering;
using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The request path: Host header → service → backend (from the published snapshot, lock-free) →
/// YARP forwarder → outcome recorded on the backend's slot. Failed attempts are re-sent to another
/// backend here, in one loop, while the request is still replayable and the response has not started.
/// Plugins (if any apply to the service) run around it. Never asks an actor.
/// </summary>
public sealed partial class ProxyMiddleware(
    IHttpForwarder forwarder, RoutingTableStore routes, PluginSetStore plugins, RouteKeys keys, ForwarderClients clients, FailureLines lines,
    ProxyMetrics metrics, RequestLog requests, HttpsRedirect httpsRedirect, RateLimiters limiters, ILogger<ProxyMiddleware> log)
{
    /// <summary>Seconds a client is told to wait when a service has no backend to send to.</summary>
    private const string RetryAfterSeconds = "5";

    /// <summary>Seconds a client is told to wait when a backend is busy or could not be reached just now.</summary>
    private const string RetryAfterMomentSeconds = "1";

    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var requestId = RequestIds.Ensure(context);
        var hostHeader = context.Request.Headers.Host.ToString();
        var service = routes.Current.Match(HostName.WithoutPort(hostHeader));
        if (service is null)
        {
            var rejected = Reject(context, StatusCodes.Status404NotFound, $"No service is configured for host '{HostName.WithoutPort(hostHeader)}'\n");
            Record(context, requestId, hostHeader, null, [], started, "no_service");
            return rejected;
        }
        var settings = service.Definition.Settings;
        var (refusal, reason) = RequestFraming.Check(context.Request.Headers);
        if (refusal == 0 && settings.MaxRequestBodySize > 0) (refusal, reason) = BodyLimit(context, settings.MaxRequestBodySize);
        if (refusal != 0)
        {
            // Never forwarded; the connection closes after the answer (its unread body is not read to find the next request).
            context.Response.Headers.Connection = "close";
            var answered = Reject(context, refusal, reason == BodyTooLarge ? $"Content too large: the limit is {settings.MaxRequestBodySize} bytes\n" : RequestFraming.Message(refusal));
            metrics.Request(service.Definition.Name, refusal, started);
            Record(context, requestId, hostHeader, service.Definition.Name, [], started, reason);
            return answered;
        }
        if (settings.ClientAccess is { } access && Refuse(context, service, access, requestId, hostHeader, started) is { } refused) return refused;
        var scheme = keys.Scheme(context); // once: redirect, HSTS, X-Forwarded-Proto and the affinity cookie's Secure
        if (settings.RedirectHttps || settings.Hsts is not null)
        {
            var https = scheme == ForwardedProto.Https;
            if (https && settings.Hsts is { } hsts) context.Response.Headers.StrictTransportSecurity = hsts.HeaderValue;
            if (!https && settings.RedirectHttps && !HttpsRedirect.IsAcmeChallenge(context.Request))
            {
                var redirected = httpsRedirect.Answer(context, HostName.WithoutPort(hostHeader));
                metrics.Request(service.Definition.Name, context.Response.StatusCode, started);
                Record(context, requestId, hostHeader, service.Definition.Name, [], started, "redirect_https");
                return redirected;
            }
        }
        var chain = plugins.Current.For(service.Definition.Name);
        return ProxyAsync(context, service, chain, requestId, hostHeader, started, scheme);
    }

    /// <summary>
    /// ip_allow / ip_deny (403), then rate_limit (429 with Retry-After), on the client address as
    /// trusted_proxies resolve it; null when the request may go on. Refused addresses take no token.
    /// </summary>
    private Task? Refuse(HttpContext context, ServiceSlot service, ClientAccessOptions access, string requestId, string host, long started)
    {
        var client = keys.Client(context);
        var name = service.Definition.Name;
        if (access.Ip is { } ip && ip.Refuses(client))
        {
            var forbidden = Reject(context, StatusCodes.Status403Forbidden, $"Forbidden: your address may not use '{name}'\n");
            metrics.IpRefused(name);
            metrics.Request(name, context.Response.StatusCode, started);
            Record(context, requestId, host, name, [], started, "ip_refused");
            return forbidden;
        }
        if (access.RateLimit is not { } limit || limiters.For(name, limit).TryAcquire(context, client, out var retryAfter)) return null;
        context.Response.Headers.RetryAfter = retryAfter;
        var limited = Reject(context, StatusCodes.Status429TooManyRequests, $"Too many requests: the rate limit of '{name}' is {limit.RequestsPerSecond:0.###}/s per {limit.KeyText}\n");
        metrics.RateLimited(name);
        metrics.Request(name, context.Response.StatusCode, started);
        Record(context, requestId, host, name, [], started, "rate_limited");
        return limited;
    }

    /// <summary>The request log's error for a body over <c>max_request_body_size</c> (413).</summary>
    private const string BodyTooLarge = "body_too_large";

    /// <summary>
    /// <c>max_request_body_size</c>: a Content-Length over it is answered 413 at once (Kestrel holds a body to
    /// its Content-Length); a body without one is cut there (its read fails with 413) while it streams to the backend.
    /// </summary>
    private static (int Status, string? Reason) BodyLimit(HttpContext context, long limit)
    {
        var declared = context.Request.ContentLength;
        if (declared > limit) return (StatusCodes.Status413PayloadTooLarge, BodyTooLarge);
        if (declared is null) context.Request.Body = new LimitedRequestBody(context.Request.Body, limit);
        return (0, null);
    }

    /// <summary>The request log's entry: references the request already holds, no copy.</summary>
    private void Record(HttpContext context, string requestId, string host, string? service, ReadOnlySpan<AttemptRecord> attempts, long started, string? error)
    {
        var request = context.Request;
        requests.Record(requestId, context.Connection.RemoteIpAddress, request.Method, host, request.Path.Value ?? "/",
            requests.IncludeQuery ? request.QueryString.Value : null, context.Response.StatusCode, service, attempts, started,
            request.ContentLength, context.Response.ContentLength, error,
            request.Protocol, requests.AccessLog is null ? null : request.Headers.Referer.ToString(), requests.AccessLog is null ? null : request.Headers.UserAgent.ToString());
    }

    /// <summary>
    /// Plugins' request hooks, then pick → forward → retry elsewhere until an answer stands, then
    /// plugins' completed hooks. Deliberately one async method: it is the one Task per request that
    /// Kestrel needs, and nested async methods would each allocate a state machine per request.
    /// </summary>
    private async Task ProxyAsync(HttpContext context, ServiceSlot service, ActivePlugin[] chain, string requestId, string host, long started, string scheme)
    {
        var withPlugins = chain.Length > 0;
        if (withPlugins && await PluginHooks.RequestAsync(context, chain, service.Definition.Name))
        {
            Completed(context, chain, service, null, started);
            Record(context, requestId, host, service.Definition.Name, [], started, "answered_by_plugin");
            return;
        }
        var key = keys.For(context, service);
        var backend = service.Pick(key, out var admission, out var choice);
        if (backend is null && service.Queue is { } queue && service.AnyFull)
        {
            // Every backend with room is taken (max_connections): wait for one, bounded by max_queue and queue_timeout_ms.
            (backend, admission, choice, var busy) = await WaitForRoomAsync(context, service, key, queue);
            if (busy is not null)
            {
                await Busy(context, service, busy);
                if (withPlugins) Completed(context, chain, service, null, started);
                metrics.Request(service.Definition.Name, context.Response.StatusCode, started);
                Record(context, requestId, host, service.Definition.Name, [], started, "busy");
                return;
            }
        }
        if (backend is null)
        {
            await AllBackendsDown(context, service);
            if (withPlugins) Completed(context, chain, service, null, started);
            metrics.Request(service.Definition.Name, context.Response.StatusCode, started);
            Record(context, requestId, host, service.Definition.Name, [], started, "all_backends_down");
            return;
        }

        var settings = service.Definition.Settings;
        var timeout = settings.RequestTimeout;
        if (GrpcCalls.Is(context.Request))
        {
            // grpc-timeout bounds retries too; a backend failing mid-call ends it with UNAVAILABLE, not a reset.
            if (GrpcCalls.Timeout(context.Request) is { } grpcTimeout && grpcTimeout < timeout) timeout = grpcTimeout;
            if (context.Features.Get<IHttpResetFeature>() is { } reset) context.Features.Set<IHttpResetFeature>(new GrpcCalls.UnavailableOnReset(context, reset));
        }
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var state = ForwardState.Rent(service, deadline, PrepareReplay(context, settings.RetryBufferBytes), key, chain, scheme, keys.TrustedProxies);
        context.Features.Set(state);
        service.Retries.RequestStarted();
        try
        {
            var forwarding = clients.For(service);
            while (true)
            {
                state.Begin(backend, admission, choice);
                if (withPlugins) PluginHooks.Routed(context, chain, state.Decision);
                backend.Counters.RequestStarted();
                var attemptStarted = Stopwatch.GetTimestamp();
                var error = ForwarderError.None;
                var kind = OutcomeKind.Response;
                var neverReached = false;
                var gone = false;
                try
                {
                    var to = forwarding.For(backend.Definition);
                    error = await forwarder.SendAsync(context, backend.Definition.Prefix, to.Invoker, to.RequestConfig, forwarding.Transformer);
                    if (error != ForwarderError.None)
                    {
                        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
                        kind = Outcomes.Classify(error, exception);
                        neverReached = kind == OutcomeKind.ConnectionError && RetryRules.NeverReached(exception);
                        gone = neverReached || Outcomes.BackendGone(exception);
                        if (kind == OutcomeKind.ConnectionError && !gone) kind = OutcomeKind.BadResponse; // it answered, unusably
                    }
                }
                finally
                {
                    var status = state.HeldStatus != 0 ? state.HeldStatus : context.Response.StatusCode;
                    var attemptTicks = Stopwatch.GetElapsedTime(attemptStarted).Ticks;
                    backend.Finish(state.Admission, kind, status, attemptTicks);
                    state.RecordAttempt(new AttemptRecord(backend.Definition.Id, kind, status, attemptTicks, state.Choice, state.Retry));
                    metrics.Attempt(service.Definition.Name, backend.Definition.Id, status, kind, state.Attempts > 1, attemptStarted);
                }
                state.LastError = error;
                if (kind is OutcomeKind.BadResponse or OutcomeKind.Timeout) state.BackendAnswered = true;
                if (state.FailedPlugin is { } failed)
                {
                    await PluginHooks.FailAsync(context, failed);
                    break;
                }
                if (NextRetry(context, state, error, kind, neverReached) is not { } reason)
                {
                    await Settle(context, state, error, kind, nothingLeft: false);
                    break;
                }
                if (state.Attempts >= service.Current.All.Length)
                {
                    // Every backend was tried: no wait that could only end in the same answer.
                    await Settle(context, state, error, kind, nothingLeft: true);
                    break;
                }
                var immediate = neverReached && state.Attempts == 1 && settings.ConnectionErrors.ImmediateFailover;
                var wait = RetryRules.Backoff(state.Attempts, immediate);
                if (wait > TimeSpan.Zero && !await Wait(wait, context.RequestAborted)) break; // the client left

                var next = service.Pick(key, out admission, out choice, state.Tried);
                if (next is null)
                {
                    if (state.HeldStatus != 0) await AllBackendsDown(context, service);
                    else await Settle(context, state, error, kind, nothingLeft: true);
                    break;
                }
                LogRetry(log, context.Request.Method, context.Request.Path.Value, backend.Definition.Url, next.Definition.Url, reason);
                ResetForRetry(context);
                next.Counters.RetryStarted();
                state.Retry = RetryReason(kind, state.HeldStatus);
                metrics.Retry(service.Definition.Name, ChoiceText.RetryAfter(state.Retry)!);
                backend = next;
            }
            if (withPlugins) Completed(context, chain, service, state, started);
            metrics.Request(service.Definition.Name, context.Response.StatusCode, started);
            if (key.AffinityToken is { } token && settings.LoadBalancer.SessionAffinity.Type == SessionAffinityOptions.Cookie)
            {
                metrics.Affinity(service.Definition.Name, state.Backend.AffinityToken == token);
            }
            Record(context, requestId, host, service.Definition.Name, state.AttemptRecords, started, RequestError(state));
        }
        finally
        {
            if (state.HoldsRetryToken) service.Retries.RetryEnded();
            service.Retries.RequestEnded();
            context.Features.Set<ForwardState>(null);
            ForwardState.Return(state);
        }
    }

    /// <summary>
    /// The last attempt's result stands. A failure is logged in one line naming backend and cause
    /// (throttled per backend). The client gets 503 when its backends were gone (refused, reset, closed
    /// before any byte) or could not be reached with no retry left, 400 when its own request could not
    /// be sent, else the forwarder's 502/504 with the reason.
    /// </summary>
    private Task Settle(HttpContext context, ForwardState state, ForwarderError error, OutcomeKind kind, bool nothingLeft)
    {
        if (error == ForwarderError.None || kind == OutcomeKind.ClientAborted) return Task.CompletedTask;
        if (lines.ShouldLog(state.Backend, out var leftOut)) Log(context, state, error, kind, leftOut);
        if (kind == OutcomeKind.RequestRefused)
        {
            return context.Response.HasStarted ? Task.CompletedTask
                : Reject(context, StatusCodes.Status400BadRequest, "Bad request: it cannot be forwarded as sent\n");
        }
        if (context.Response.HasStarted) return Task.CompletedTask;
        // Every attempt found its backend gone (refused, reset, closed): the service is down. An answer keeps its 502/504.
        if (!state.BackendAnswered && (nothingLeft || AllTried(state)))
        {
            return state.Service.Queue is not null && state.Service.AnyFull
                ? Busy(context, state.Service, "no other backend had room for a retry")
                : AllBackendsDown(context, state.Service);
        }
        if (!state.BackendAnswered)
        {
            // It could not be reached and no retry is left (retries, retry budget): unavailable, not a bad answer.
            context.Response.Headers.RetryAfter = RetryAfterMomentSeconds;
            return Reject(context, StatusCodes.Status503ServiceUnavailable, $"Service unavailable: a backend of '{state.Service.Definition.Name}' could not be reached\n");
        }
        var status = context.Response.StatusCode >= 500 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
        var reason = status == StatusCodes.Status504GatewayTimeout ? "Gateway timeout: the backend did not answer in time" : "Bad gateway: the backend's response could not be used";
        return Reject(context, status, $"{reason}\n");
    }

    private void Log(HttpContext context, ForwardState state, ForwarderError error, OutcomeKind kind, long leftOut)
    {
        var why = Outcomes.Describe(error, context.Features.Get<IForwarderErrorFeature>()?.Exception);
        if (leftOut > 0) why = $"{why}; {leftOut} more failed requests on this backend since the previous line were not logged";
        var backend = state.Backend.Definition;
        if (kind == OutcomeKind.RequestRefused) LogRefused(log, context.Request.Method, context.Request.Path.Value, backend.Url, why);
        else LogFailed(log, context.Request.Method, context.Request.Path.Value, state.Service.Definition.Name, backend.Id, backend.Url, why, state.Attempts);
    }

    private static void Completed(HttpContext context, ActivePlugin[] chain, ServiceSlot service, ForwardState? state, long started)
    {
        var error = state?.LastError is { } e and not ForwarderError.None ? e.ToString() : null;
        var backend = state?.Attempts > 0 ? state.Backend.Definition.Id : null;
        var outcome = new RequestOutcome(service.Definition.Name, backend, context.Response.StatusCode, state?.Attempts ?? 0, Stopwatch.GetElapsedTime(started), error);
        PluginHooks.Completed(context, chain, outcome);
    }

    /// <summary>The request log's error: the last attempt's kind when it did not answer usably, else none.</summary>
    private static string? RequestError(ForwardState state)
    {
        var attempts = state.AttemptRecords;
        if (state.FailedPlugin is not null) return "plugin_failed";
        if (attempts.Length == 0 || attempts[^1].Outcome == OutcomeKind.Response) return null;
        return ProxyMetrics.Error(attempts[^1].Outcome);
    }

    /// <summary>Why the attempt that just ended is retried: the next attempt's record and the retry metric's reason.</summary>
    private static RetryCause RetryReason(OutcomeKind kind, int heldStatus) =>
        heldStatus != 0 ? RetryCause.Status : kind == OutcomeKind.ConnectionError ? RetryCause.ConnectionError : RetryCause.Reset;

    /// <summary>Why this attempt should be re-sent elsewhere, or null when its result stands.</summary>
    private static string? NextRetry(HttpContext context, ForwardState state, ForwarderError error, OutcomeKind kind, bool neverReached)
    {
        if (context.RequestAborted.IsCancellationRequested || context.Response.HasStarted) return null;
        if (kind is OutcomeKind.RequestRefused or OutcomeKind.ClientAborted) return null; // the client's problem: no other backend would do better
        if (state.HeldStatus != 0) return $"status {state.HeldStatus}"; // the transformer already claimed the retry
        if (error == ForwarderError.None || Environment.TickCount64 >= state.DeadlineMs) return null;
        if (neverReached)
        {
            // A connection that never opened is safe to re-send for any method: connection retries first, then retries.
            if (state.ConnectionRetriesLeft > 0) state.ConnectionRetriesLeft--;
            else if (state.RetriesLeft > 0) state.RetriesLeft--;
            else return null;
            return state.TryTakeRetryToken() ? "connection error" : null;
        }
        var resetBeforeResponse = error is ForwarderError.Request or ForwarderError.ResponseHeaders;
        return resetBeforeResponse && state.TryUseRetry(context.Request.Method) ? "connection reset before the response" : null;
    }

    private static async Task<bool> Wait(TimeSpan wait, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(wait, aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Small bodies are buffered as they stream so a retry can replay them; larger ones are retried only if never sent.</summary>
    private static bool PrepareReplay(HttpContext context, int bufferLimit)
    {
        var request = context.Request;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (!canHaveBody) return true;
        if (request.ContentLength is { } length && length <= bufferLimit)
        {
            request.EnableBuffering(bufferThreshold: bufferLimit, bufferLimit: bufferLimit);
            return true;
        }
        return false;
    }

    private static void ResetForRetry(HttpContext context)
    {
        var response = context.Response;
        var requestId = response.Headers[RequestIds.Header];
        response.Headers.Clear();
        response.Headers[RequestIds.Header] = requestId;
        response.StatusCode = StatusCodes.Status200OK;
        context.Features.Set<IForwarderErrorFeature>(null);
        if (context.Request.Body.CanSeek) context.Request.Body.Position = 0;
    }

    private static bool AllTried(ForwardState state) => state.Attempts >= state.Service.Current.All.Length || state.Service.Current.Routable.IsEmpty;

    /// <summary>
    /// Waits in the service's queue until a pick finds a backend with room. Returns why the request
    /// gets a 503 instead (queue full, waited too long), or a null reason with a null backend when the
    /// service stopped being merely busy (its backends went down meanwhile). Only saturated services get here.
    /// </summary>
    private static async Task<(BackendSlot? Backend, Admission Admission, BackendChoice Choice, string? Busy)> WaitForRoomAsync(
        HttpContext context, ServiceSlot service, RouteKey key, ConnectionQueue queue)
    {
        var waiter = queue.TryJoin();
        if (waiter is null) return (null, Admission.Rejected, default, $"its {queue.Capacity} queue places (max_queue) are taken");
        var wait = service.Definition.Settings.QueueWait;
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        try
        {
            while (true)
            {
                var backend = service.Pick(key, out var admission, out var choice);
                if (backend is not null) return (backend, admission, choice, null);
                if (!service.AnyFull) return (null, Admission.Rejected, default, null);
                var left = deadline - Environment.TickCount64;
                if (left <= 0) return (null, Admission.Rejected, default, $"no backend had room within {wait.TotalMilliseconds:0} ms (queue_timeout_ms)");
                try
                {
                    // Woken when a request on a limited backend ends; re-checked at least every 250 ms anyway.
                    if (await waiter.Task.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left, 250)), context.RequestAborted)) waiter = queue.Rejoin();
                }
                catch (TimeoutException)
                {
                    // look again
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (null, Admission.Rejected, default, "the client left");
        }
        finally
        {
            queue.Leave(waiter);
        }
    }

    private Task Busy(HttpContext context, ServiceSlot service, string why)
    {
        if (context.RequestAborted.IsCancellationRequested) return Task.CompletedTask; // it left while waiting: nobody was turned away
        if (lines.ShouldLog(service, out var leftOut))
        {
            LogBusy(log, service.Definition.Name, why, leftOut > 0 ? $"; {leftOut} more since the previous line" : "");
        }
        context.Response.Headers.RetryAfter = RetryAfterMomentSeconds;
        return Reject(context, StatusCodes.Status503ServiceUnavailable, $"Service busy: every backend of '{service.Definition.Name}' is at its max_connections and {why}\n");
    }

    private static Task AllBackendsDown(HttpContext context, ServiceSlot service)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Reject(context, StatusCodes.Status503ServiceUnavailable, $"All backends are down for service '{service.Definition.Name}'\n");
    }

    private static Task Reject(HttpContext context, int status, string message)
    {
        if (GrpcCalls.Is(context.Request)) return GrpcCalls.Reject(context, status, message);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} failed: backend {Service}/{BackendId} {Backend}: {Reason} (attempt {Attempts})")]
    private static partial void LogFailed(ILogger logger, string method, string? path, string service, string backendId, Uri backend, string reason, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service {Service} turned a request away with 503: every backend is at its max_connections and {Why}{LeftOut}")]
    private static partial void LogBusy(ILogger logger, string service, string why, string leftOut);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} refused with 400, not held against backend {Backend}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string? path, Uri backend, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "retrying {Method} {Path}: {Previous} failed ({Reason}), now {Next}")]
    private static partial void LogRetry(ILogger logger, string method, string? path, Uri previous, Uri next, string reason);
}
