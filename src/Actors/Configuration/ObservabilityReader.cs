namespace FlowBalance.Actors.Configuration;

/// <summary>Reads the <c>log</c> and <c>events</c> sections.</summary>
internal static class ObservabilityReader
{
    public static LogOptions ReadLog(ConfigNode? section)
    {
        if (section is not { } node) return LogOptions.Default;
        if (!node.IsObject) return node.Fail<LogOptions>("expected an object { level = info, format = text }") ?? LogOptions.Default;
        ConfigKeys.CheckUnknown(node, ConfigKeys.Log);
        return new LogOptions(
            node.Child("level")?.OneOf(LogOptions.Levels) ?? LogOptions.Default.Level,
            node.Child("format")?.OneOf(LogOptions.Formats) ?? LogOptions.Default.Format);
    }

    public static MetricsOptions ReadMetrics(ConfigNode? section)
    {
        if (section is not { } node) return MetricsOptions.Default;
        if (!node.IsObject) return node.Fail<MetricsOptions>("expected an object { allow = [\"10.0.0.0/8\"], otlp_endpoint = \"http://collector:4317\" }") ?? MetricsOptions.Default;
        ConfigKeys.CheckUnknown(node, ConfigKeys.Metrics);
        var allow = node.Child("allow") is { } list ? GeoReader.ReadNetworks(list) : [];
        Uri? otlp = null;
        if (node.Child("otlp_endpoint") is { } endpoint && endpoint.String() is { } text)
        {
            otlp = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : endpoint.Fail<Uri>($"must be an http:// or https:// URL such as \"http://127.0.0.1:4317\", found '{text}'");
        }
        return new MetricsOptions(allow, otlp, node.Child("enabled")?.Bool() ?? true, node.Child("otlp_protocol")?.OneOf(MetricsOptions.OtlpProtocols) ?? "grpc");
    }

    public static RequestLogOptions ReadRequestLog(ConfigNode? section)
    {
        if (section is not { } node) return RequestLogOptions.Default;
        if (!node.IsObject) return node.Fail<RequestLogOptions>("expected an object { size = 10000, include_query = false }") ?? RequestLogOptions.Default;
        ConfigKeys.CheckUnknown(node, ConfigKeys.RequestLog);
        return new RequestLogOptions(
            node.Child("size")?.Int(1, 1_000_000) ?? RequestLogOptions.Default.Size,
            node.Child("include_query")?.Bool() ?? RequestLogOptions.Default.IncludeQuery,
            node.Child("enabled")?.Bool() ?? true);
    }

    public static AccessLogOptions ReadAccessLog(ConfigNode? section, string baseDirectory)
    {
        if (section is not { } node) return AccessLogOptions.Default;
        if (!node.IsObject) return node.Fail<AccessLogOptions>("expected an object { path = \"/var/log/flowbalance/access.log\", format = json }") ?? AccessLogOptions.Default;
        ConfigKeys.CheckUnknown(node, ConfigKeys.AccessLog);
        var d = AccessLogOptions.Default;
        return new AccessLogOptions(
            node.Child("path")?.FullPath(baseDirectory),
            node.Child("format")?.OneOf(AccessLogOptions.Formats) ?? d.Format,
            node.Child("max_size_mb")?.Number(0.01, 100_000) ?? d.MaxSizeMb,
            node.Child("keep_files")?.Int(0, 1000) ?? d.KeepFiles);
    }

    public static EventOptions ReadEvents(ConfigNode? section)
    {
        if (section is not { } node) return EventOptions.Default;
        if (!node.IsObject) return node.Fail<EventOptions>("expected an object { history_size = 10000 }") ?? EventOptions.Default;
        ConfigKeys.CheckUnknown(node, ConfigKeys.Events);
        return new EventOptions(node.Child("history_size")?.Int(1, 1_000_000) ?? EventOptions.Default.HistorySize);
    }
}
