using System.Globalization;
using System.Text.Json;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// <c>GET /__lb_admin__/api/v1/requests?request_id=&amp;status=&amp;service=&amp;backend=&amp;host=&amp;path=&amp;method=&amp;min_duration_ms=&amp;since=&amp;limit=</c>:
/// the request log, newest first; <c>status</c> is a code (503) or a class (5xx), <c>path</c> a prefix,
/// <c>backend</c> matches any attempt. With <c>Accept: text/event-stream</c>, a live tail with the same filters.
/// </summary>
public static class RequestsEndpoint
{
    public const int DefaultLimit = 100;

    public static Task Handle(HttpContext context, RequestLog log)
    {
        var query = context.Request.Query;
        string Text(string name) => query[name].ToString();
        var requestId = Text("request_id");
        var service = Text("service");
        var backend = Text("backend");
        var host = Text("host");
        var path = Text("path");
        var method = Text("method");

        var status = Text("status");
        if (!RequestFilter.TryStatus(status, out var code, out var statusClass)) return AdminResponses.Problem(context, $"status: expected a status code (503) or class (5xx), found '{status}'");
        double minDuration = 0;
        if (Text("min_duration_ms") is { Length: > 0 } durationText
            && (!double.TryParse(durationText, NumberStyles.Float, CultureInfo.InvariantCulture, out minDuration) || minDuration < 0))
        {
            return AdminResponses.Problem(context, $"min_duration_ms: expected a number of milliseconds, found '{durationText}'");
        }
        if (!AdminQuery.TrySince(query, out var since, out var problem) || !AdminQuery.TryLimit(query, log.Capacity, DefaultLimit, out var limit, out problem))
        {
            return AdminResponses.Problem(context, problem!);
        }

        var filter = new RequestFilter(requestId, code, statusClass, service, backend, host, path, method, minDuration, since);
        bool Match(RequestEntry e) => filter.Match(e);

        return AdminResponses.WantsEventStream(context)
            ? AdminResponses.Stream(context, log.Live, Match, Serialize)
            : AdminResponses.Items(context, log.Recent(limit, Match), Write);
    }

    public static void Write(Utf8JsonWriter json, RequestEntry e)
    {
        json.WriteStartObject();
        json.WriteString("time", EventJson.Time(e.Time));
        json.WriteString("request_id", e.RequestId);
        json.WriteStringOrNull("client", e.Client is { } client ? (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString() : null);
        json.WriteString("method", e.Method);
        json.WriteString("host", e.Host);
        json.WriteString("path", e.Path);
        json.WriteNumber("status", e.Status);
        json.WriteStringOrNull("service", e.Service);
        json.WriteStringOrNull("backend", e.Backend);
        json.WriteStartArray("attempts");
        for (var i = 0; i < e.Attempts.Length; i++)
        {
            var attempt = e.Attempts[i];
            json.WriteStartObject();
            json.WriteString("backend", attempt.Backend);
            json.WriteString("outcome", Outcome(attempt.Outcome));
            json.WriteNumber("status", attempt.Status);
            json.WriteNumber("duration_ms", Math.Round(TimeSpan.FromTicks(attempt.DurationTicks).TotalMilliseconds, 3));
            var choice = attempt.Choice;
            json.WriteStringOrNull("pool", choice.Pool);
            json.WriteStringOrNull("chosen_by", ChoiceText.ChosenBy(choice.Method));
            json.WriteStringOrNull("fallback_from", choice.FallbackFrom);
            json.WriteStringOrNull("retry_after", ChoiceText.RetryAfter(attempt.Retry));
            json.WriteStringOrNull("affinity", ChoiceText.Affinity(choice));
            json.WriteBoolean("by_region", choice.Has(ChoiceFlags.Region));
            json.WriteBoolean("trial", choice.Has(ChoiceFlags.Trial));
            json.WriteString("why", ChoiceText.Describe(e.Attempts, i));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("duration_ms", Math.Round(e.DurationMs, 3));
        json.WriteNumberOrNull("bytes_in", e.BytesIn);
        json.WriteNumberOrNull("bytes_out", e.BytesOut);
        json.WriteStringOrNull("error", e.Error);
        json.WriteEndObject();
    }

    public static string Outcome(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Response => "response",
        OutcomeKind.ConnectionError => "connection_error",
        OutcomeKind.BadResponse => "bad_response",
        OutcomeKind.Timeout => "timeout",
        OutcomeKind.ClientAborted => "client_aborted",
        _ => "other",
    };

    private static byte[] Serialize(RequestEntry e) => EventJson.Serialize(json => Write(json, e));
}
