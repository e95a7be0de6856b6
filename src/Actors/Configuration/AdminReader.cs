namespace FlowBalance.Actors.Configuration;

/// <summary>Reads <c>admin { }</c>.</summary>
internal static class AdminReader
{
    public static readonly string[] Keys = ["enabled", "path", "listen", "state_dir", "session_timeout", "allow", "auth"];

    public static AdminOptions Read(ConfigNode? section, string stateDirectory, string baseDirectory, Func<string, string?> environment)
    {
        var defaults = AdminOptions.Default(stateDirectory);
        if (section is not { } node) return defaults;
        if (!node.IsObject) return node.Fail<AdminOptions>("expected an object { enabled = true, path = \"/__lb_admin__\" }") ?? defaults;
        ConfigKeys.CheckUnknown(node, Keys);
        ListenEndpoint? listen = null;
        if (node.Child("listen") is { } listenNode && listenNode.String() is { } url)
        {
            listen = ListenUrls.ProblemOf(url) is { } problem ? listenNode.Fail<ListenEndpoint>(problem) : new ListenEndpoint(url);
        }
        return new AdminOptions(
            node.Child("enabled")?.Bool() ?? defaults.Enabled,
            node.Child("path") is { } path ? ReadPath(path) ?? defaults.Path : defaults.Path,
            node.Child("state_dir")?.FullPath(baseDirectory) ?? stateDirectory,
            node.Child("session_timeout")?.Duration(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(90)) ?? defaults.SessionTimeout)
        {
            Listen = listen,
            Allow = node.Child("allow") is { } allow ? GeoReader.ReadNetworks(allow) : [],
            Auth = AdminAuthReader.Read(node.Child("auth"), environment),
        };
    }

    /// <summary>One or more path segments of letters, digits, '_', '-' and '.': "/__lb_admin__", "/ops/lb".</summary>
    private static string? ReadPath(ConfigNode node)
    {
        var text = node.String();
        if (text is null) return null;
        var trimmed = text.TrimEnd('/');
        var valid = trimmed.Length > 1 && trimmed[0] == '/'
            && trimmed[1..].Split('/').All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'));
        return valid ? trimmed : node.Fail<string>($"must be a path such as \"/__lb_admin__\" (segments of letters, digits, '_', '-', '.'), found '{text}'");
    }
}
