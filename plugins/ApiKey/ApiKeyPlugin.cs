using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Plugins.ApiKey;

/// <summary>
/// Answers 401 itself (nothing is forwarded) unless the request carries one of the configured keys:
/// <code>
/// ApiKey {
///   keys   = ["change-me"]      # required
///   header = "X-Api-Key"        # default
///   paths  = ["/admin"]         # path prefixes to protect; default: every path
///   strip  = true               # remove the key before forwarding (default)
/// }
/// </code>
/// </summary>
public sealed class ApiKeyPlugin : IFlowBalancePlugin
{
    public string DisplayName => "API key gate";

    public IPluginMiddleware Create(IPluginContext context)
    {
        var settings = context.Settings;
        var keys = settings.GetStrings("keys");
        if (keys.Count == 0) throw settings.Invalid("keys", "set at least one key, e.g. keys = [\"change-me\"]");
        if (keys.Any(k => k.Length < 8)) throw settings.Invalid("keys", "every key must be at least 8 characters long");
        var paths = settings.GetStrings("paths");
        if (paths.FirstOrDefault(p => !p.StartsWith('/')) is { } bad) throw settings.Invalid("paths", $"'{bad}' must start with '/'");
        var header = settings.GetString("header", "X-Api-Key")!;
        return new ApiKeyMiddleware(new KeySet(keys), header, [.. paths], settings.GetBool("strip", true));
    }
}
