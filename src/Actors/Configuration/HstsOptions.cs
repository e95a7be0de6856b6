namespace FlowBalance.Actors.Configuration;

/// <summary><c>hsts { max_age, include_subdomains, preload }</c>: the Strict-Transport-Security header of HTTPS responses.</summary>
public sealed record HstsOptions(TimeSpan MaxAge, bool IncludeSubdomains, bool Preload)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromDays(365);

    /// <summary>The header value, computed once.</summary>
    public string HeaderValue { get; } =
        $"max-age={(long)MaxAge.TotalSeconds}{(IncludeSubdomains ? "; includeSubDomains" : "")}{(Preload ? "; preload" : "")}";
}
