using System.Collections.Concurrent;

namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// The HTTP-01 answers currently published: token → key authorization. The ACME client writes it
/// while a challenge is pending; the plain-HTTP listener reads it from any thread for
/// <c>GET /.well-known/acme-challenge/{token}</c>.
/// </summary>
public sealed class Http01Challenges
{
    public const string Path = "/.well-known/acme-challenge";
    public const string PathPrefix = Path + "/";

    private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);

    /// <summary>Answers currently published; 0 when no order is in flight.</summary>
    public int Count => _answers.Count;

    public void Set(string token, string keyAuthorization) => _answers[token] = keyAuthorization;

    public void Remove(string token) => _answers.TryRemove(token, out _);

    public bool TryGet(string token, out string keyAuthorization)
    {
        if (_answers.TryGetValue(token, out var found))
        {
            keyAuthorization = found;
            return true;
        }
        keyAuthorization = "";
        return false;
    }
}
