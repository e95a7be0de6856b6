using FlowBalance.Plugins.Abstractions;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Plugins.ApiKey;

/// <summary>Short-circuits requests without a valid key on the protected paths.</summary>
public sealed class ApiKeyMiddleware(KeySet keys, string header, string[] paths, bool strip) : IPluginMiddleware
{
    public async ValueTask<PluginResult> OnRequestAsync(HttpContext context, string service)
    {
        if (!IsProtected(context.Request.Path)) return PluginResult.Continue;
        var presented = context.Request.Headers[header];
        if (presented.Count == 1 && keys.Contains(presented[0]))
        {
            if (strip) context.Request.Headers.Remove(header); // the backend never sees the key
            return PluginResult.Continue;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{header}\"";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"error\":\"missing or invalid API key in header {header}\"}}\n");
        return PluginResult.Handled;
    }

    private bool IsProtected(PathString path)
    {
        if (paths.Length == 0) return true;
        foreach (var prefix in paths)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
