using FlowBalance.Host.Edge.Acme;

namespace FlowBalance.Host.Edge;

/// <summary>
/// Answers <c>GET /.well-known/acme-challenge/{token}</c> for the orders in flight, on every listener
/// and any Host. Tokens it does not hold go on to the service: a backend may run its own ACME client.
/// Present only with <c>tls.acme</c>; then it costs the request path one prefix check.
/// </summary>
public static class AcmeChallengeEndpoint
{
    public static IApplicationBuilder UseAcmeChallenges(this IApplicationBuilder app, Http01Challenges challenges) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value;
        if (path is null || !path.StartsWith(Http01Challenges.PathPrefix, StringComparison.Ordinal) || challenges.Count == 0
            || !challenges.TryGet(path[Http01Challenges.PathPrefix.Length..], out var keyAuthorization))
        {
            return next(context);
        }
        context.Response.ContentType = "application/octet-stream";
        return context.Response.WriteAsync(keyAuthorization);
    });
}
