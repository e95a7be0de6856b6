using System.Text.Json;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>Turns an ACME error answer (RFC 7807 <c>application/problem+json</c>, or anything else) into an <see cref="AcmeException"/>.</summary>
internal static class AcmeProblem
{
    public static AcmeException From(HttpResponseMessage response, string body)
    {
        var retryAfter = RetryAfterOf(response);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("type", out _))
            {
                return From(document.RootElement, response.StatusCode, retryAfter);
            }
        }
        catch (JsonException)
        {
            // not a problem document: described by status below
        }
        var text = body.Length > 200 ? body[..200] + "…" : body;
        return new AcmeException(null, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri}{(text.Length > 0 ? ": " + text : "")}",
            response.StatusCode, retryAfter);
    }

    /// <summary>A problem object; its subproblems (one per identifier, RFC 8555 §6.7.1) are appended to the detail.</summary>
    public static AcmeException From(JsonElement problem, System.Net.HttpStatusCode? status, TimeSpan? retryAfter)
    {
        var type = problem.TryGetProperty("type", out var t) ? t.GetString() : null;
        var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        if (problem.TryGetProperty("subproblems", out var subproblems) && subproblems.ValueKind == JsonValueKind.Array)
        {
            var parts = subproblems.EnumerateArray()
                .Select(s => s.TryGetProperty("detail", out var sd) ? sd.GetString() : null)
                .Where(s => !string.IsNullOrEmpty(s));
            detail = string.Join("; ", new[] { detail }.Concat(parts).Where(s => !string.IsNullOrEmpty(s)));
        }
        return new AcmeException(type, detail.Length > 0 ? detail : type ?? "ACME error without detail", status, retryAfter);
    }

    public static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };
}
