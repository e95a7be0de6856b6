namespace FlowBalance.Host.Admin.Auth.Providers;

/// <summary>The claim that carries a provider login's <see cref="LoginIdentity"/> (JSON) from the provider's handler to the session.</summary>
public static class LoginClaims
{
    public const string Identity = "flowbalance:identity";
}
