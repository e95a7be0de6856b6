namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: the API's OpenAPI 3.1 document, written by hand next to the
/// endpoints (they are plain middleware branches, which ASP.NET Core's generator does not see) and
/// kept honest by a test that calls every route it lists.
/// </summary>
public static class OpenApiEndpoint
{
    private static readonly byte[] Document = Load();

    public static Task Handle(HttpContext context)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(Document).AsTask();
    }

    private static byte[] Load()
    {
        using var stream = typeof(OpenApiEndpoint).Assembly.GetManifestResourceStream("FlowBalance.Host.Admin.Api.openapi.json")
            ?? throw new InvalidOperationException("the OpenAPI document is not embedded in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
