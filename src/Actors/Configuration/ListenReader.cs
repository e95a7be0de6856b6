using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>listen</c>: one URL (several separated by ';' still work), or a list whose elements are URLs or
/// <c>{ url, protocols }</c> objects. Every address is checked before Kestrel binds it.
/// </summary>
internal static class ListenReader
{
    public static readonly string[] Keys = ["url", "protocols"];

    public static ImmutableArray<ListenEndpoint>? Read(ConfigNode node)
    {
        if (!node.IsArray)
        {
            var text = node.String();
            if (text is null) return null;
            return ListenUrls.Problem(text) is { } problem ? node.FailStruct<ImmutableArray<ListenEndpoint>>(problem) : FromText(text);
        }
        var endpoints = new List<ListenEndpoint>();
        var ok = true;
        foreach (var element in node.Elements())
        {
            if (ReadOne(element) is { } endpoint) endpoints.Add(endpoint);
            else ok = false;
        }
        if (!ok) return null;
        if (endpoints.Count == 0) return node.FailStruct<ImmutableArray<ListenEndpoint>>("needs at least one address, such as \"http://0.0.0.0:8080\"");
        return Duplicate(endpoints) is { } twice
            ? node.FailStruct<ImmutableArray<ListenEndpoint>>($"'{twice}' is listed twice")
            : [.. endpoints];
    }

    /// <summary>The endpoints of <c>--listen</c> values or the single-string form (each already checked).</summary>
    public static ImmutableArray<ListenEndpoint> FromText(params IEnumerable<string> values) =>
        [.. values.SelectMany(v => v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(url => new ListenEndpoint(url))];

    private static ListenEndpoint? ReadOne(ConfigNode element)
    {
        if (!element.IsObject)
        {
            var url = element.String();
            if (url is null) return null;
            return ListenUrls.ProblemOf(url) is { } problem ? element.Fail<ListenEndpoint>(problem) : new ListenEndpoint(url);
        }
        ConfigKeys.CheckUnknown(element, Keys);
        if (element.Child("url") is not { } urlNode) return element.Fail<ListenEndpoint>("needs url, such as { url = \"http://0.0.0.0:8081\", protocols = \"h2c\" }");
        var text = urlNode.String();
        if (text is null) return null;
        if (ListenUrls.ProblemOf(text) is { } urlProblem) return urlNode.Fail<ListenEndpoint>(urlProblem);
        var protocols = element.Child("protocols") is { } p ? p.OneOf(ListenEndpoint.AllProtocols) : ListenEndpoint.Auto;
        if (protocols is null) return null;
        if (ListenUrls.ProtocolsProblem(text, protocols) is { } mismatch) return element.Child("protocols")!.Value.Fail<ListenEndpoint>(mismatch);
        return new ListenEndpoint(text, protocols);
    }

    private static string? Duplicate(List<ListenEndpoint> endpoints)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Port != 0 && !seen.Add($"{endpoint.Host}:{endpoint.Port}")) return endpoint.Url;
        }
        return null;
    }
}
