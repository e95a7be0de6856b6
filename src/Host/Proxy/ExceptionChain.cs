namespace FlowBalance.Host.Proxy;

/// <summary>
/// HttpClient and YARP wrap the real cause of a failure (a socket error, a timeout, our own
/// <see cref="BackendClosedException"/>) in one or more outer exceptions; these walk that chain.
/// </summary>
public static class ExceptionChain
{
    /// <summary>The first exception in the chain of inner exceptions that matches, or null.</summary>
    public static Exception? First(Exception? exception, Func<Exception, bool> match)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (match(e)) return e;
        }
        return null;
    }

    /// <summary>The first exception of type <typeparamref name="T"/> (matching <paramref name="match"/>) in the chain.</summary>
    public static T? Find<T>(Exception? exception, Func<T, bool>? match = null) where T : Exception =>
        (T?)First(exception, e => e is T found && (match is null || match(found)));
}
