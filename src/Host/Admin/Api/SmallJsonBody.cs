using System.Text.Json;

namespace FlowBalance.Host.Admin.Api;

/// <summary>A small JSON request body (a PATCH, a new key): read up to a limit, never more, then parsed.</summary>
public static class SmallJsonBody
{
    /// <summary>The parsed body (dispose it), or the problem: too large, or not JSON.</summary>
    public static async Task<(JsonDocument? Document, string? Problem)> ReadAsync(HttpContext context, int maxBytes)
    {
        var tooLarge = $"the body is larger than {maxBytes} bytes";
        if (context.Request.ContentLength > maxBytes) return (null, tooLarge);
        var buffer = new byte[maxBytes + 1];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(filled), context.RequestAborted)) > 0) filled += read;
        if (filled > maxBytes) return (null, tooLarge);
        try
        {
            return (JsonDocument.Parse(buffer.AsMemory(0, filled)), null);
        }
        catch (JsonException e)
        {
            return (null, $"the body is not JSON: {e.Message}");
        }
    }
}
