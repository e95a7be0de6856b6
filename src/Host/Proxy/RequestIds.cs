using Microsoft.Net.Http.Headers;

namespace FlowBalance.Host.Proxy;

/// <summary>Every request carries an <c>X-Request-Id</c>: the client's if it sent a sane one, otherwise a new one.</summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";
    private const int MaxLength = 128;

    /// <summary>Makes sure the request has an id (so it is forwarded), echoes it on the response and returns it.</summary>
    public static string Ensure(HttpContext context)
    {
        var headers = context.Request.Headers;
        var id = headers[Header];
        if (id.Count != 1 || !IsValid(id[0]))
        {
            id = Guid.NewGuid().ToString("N");
            headers[Header] = id;
        }
        context.Response.Headers[Header] = id;
        return id.ToString();
    }

    private static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && !id.AsSpan().ContainsAnyExceptInRange((char)0x21, (char)0x7E);
}
