using System.Text.Json;

namespace FlowBalance.Host.Observability;

/// <summary>How the admin endpoints answer: JSON items, problem+json for a bad request, server-sent events.</summary>
public static class AdminResponses
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>JSON for machines and people: quotes and apostrophes stay readable (the body is never HTML).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool WantsEventStream(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>application/problem+json (400 unless said otherwise) with the reason in <c>detail</c>.</summary>
    public static Task Problem(HttpContext context, string detail, int status = StatusCodes.Status400BadRequest) => Problem(context, detail, status, extensions: null);

    /// <summary>A JSON answer written by <paramref name="write"/>, with <paramref name="status"/>.</summary>
    public static async Task Json(HttpContext context, Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        write(json);
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>problem+json with extension members (RFC 9457 section 3.2) after the standard ones.</summary>
    public static Task Problem(HttpContext context, string detail, int status, IReadOnlyDictionary<string, object?>? extensions)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var body = new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = detail,
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) body[key] = value;
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Readable));
    }

    /// <summary><c>{"items": [...]}</c>, each item written by <paramref name="write"/>.</summary>
    public static async Task Items<T>(HttpContext context, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteStartArray("items");
        foreach (var item in items) write(json, item);
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>A live stream: one <c>data:</c> line per item that <paramref name="match"/>es, a comment every 15 s, until the client leaves.</summary>
    public static async Task Stream<T>(HttpContext context, LiveFeed<T> feed, Func<T, bool> match, Func<T, byte[]> serialize)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = feed.Subscribe();
        var body = context.Response.Body;
        await body.WriteAsync(": connected\n\n"u8.ToArray(), context.RequestAborted);
        await body.FlushAsync(context.RequestAborted);
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                wait.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    await body.WriteAsync(": keep-alive\n\n"u8.ToArray(), context.RequestAborted);
                    await body.FlushAsync(context.RequestAborted);
                    continue;
                }
                if (!more) break;
                while (subscription.Reader.TryRead(out var item))
                {
                    if (!match(item)) continue;
                    await body.WriteAsync("data: "u8.ToArray(), context.RequestAborted);
                    await body.WriteAsync(serialize(item), context.RequestAborted);
                    await body.WriteAsync("\n\n"u8.ToArray(), context.RequestAborted);
                }
                await body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // the client left
        }
    }
}
