using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Proxy;

/// <summary>
/// The token buckets of one rate-limited service: one <see cref="TokenBucketRateLimiter"/> per client
/// key (or a single one for <c>key = service</c>), at most <see cref="MaxClients"/> of them. Buckets are
/// refilled on use (<c>AutoReplenishment = false</c>: no timer per client; the limiter adds what the
/// elapsed time earned), and a bucket that is full again is evicted by a background sweep, since a
/// full bucket is the same as a new one. When the map is full anyway, new clients share one overflow
/// bucket until a sweep makes room: memory stays bounded under any number of client addresses.
/// </summary>
public sealed class ClientBuckets
{
    /// <summary>Clients with a bucket of their own (about 250 bytes each), per service and node.</summary>
    public const int MaxClients = 10_000;

    /// <summary>From this many buckets on, a new client starts a sweep (at most one a second) of the full ones.</summary>
    private const int SweepFrom = 1_024;

    private static readonly string[] Seconds = [.. Enumerable.Range(0, 61).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly TokenBucketRateLimiterOptions _bucket;
    private readonly TokenBucketRateLimiter _shared;
    private readonly ConcurrentDictionary<ClientKey, TokenBucketRateLimiter> _clients = new();
    private int _count;
    private int _sweeping;
    private long _nextSweepMs;

    public ClientBuckets(RateLimitOptions options)
    {
        Options = options;
        _bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Burst,
            TokensPerPeriod = options.TokensPerPeriod,
            ReplenishmentPeriod = options.ReplenishmentPeriod,
            AutoReplenishment = false,
            QueueLimit = 0,
        };
        _shared = new TokenBucketRateLimiter(_bucket);
    }

    public RateLimitOptions Options { get; }

    /// <summary>Buckets held for single clients now (tests, and the README's memory bound).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Takes one token from the client's bucket. On success nothing is allocated (the limiter hands
    /// out one static successful lease); a refusal says in whole seconds (at least 1) when a token is due.
    /// </summary>
    public bool TryAcquire(HttpContext context, IPAddress? client, out string retryAfterSeconds)
    {
        var bucket = Bucket(context, client);
        bucket.TryReplenish(); // the time since the last request earned its tokens
        using var lease = bucket.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            retryAfterSeconds = "";
            return true;
        }
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Options.ReplenishmentPeriod;
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        retryAfterSeconds = seconds < Seconds.Length ? Seconds[seconds] : seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return false;
    }

    private TokenBucketRateLimiter Bucket(HttpContext context, IPAddress? client)
    {
        ClientKey key;
        switch (Options.Key)
        {
            case RateLimitOptions.ByIp when client is not null:
                key = ClientKey.Of(client);
                break;
            case RateLimitOptions.ByHeader:
                // Requests without the header share one bucket, as if they all sent the same empty value.
                var values = context.Request.Headers[Options.Header!];
                key = ClientKey.Of(values.Count > 0 ? values[0] ?? "" : "");
                break;
            default:
                return _shared;
        }
        if (_clients.TryGetValue(key, out var bucket)) return bucket;
        var count = Volatile.Read(ref _count);
        if (count >= SweepFrom) StartSweep();
        if (count >= MaxClients) return _shared;
        bucket = new TokenBucketRateLimiter(_bucket);
        if (!_clients.TryAdd(key, bucket)) return _clients.TryGetValue(key, out var raced) ? raced : _shared;
        Interlocked.Increment(ref _count);
        return bucket;
    }

    /// <summary>At most one sweep at a time and one a second, on the thread pool: the request that started it does not wait.</summary>
    private void StartSweep()
    {
        if (Environment.TickCount64 < Volatile.Read(ref _nextSweepMs) || Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(static state => ((ClientBuckets)state!).Sweep(), this);
    }

    /// <summary>Drops every bucket that is full again (refilled first: an idle client's bucket is only refilled here).</summary>
    internal void Sweep()
    {
        try
        {
            foreach (var (key, bucket) in _clients)
            {
                bucket.TryReplenish();
                if (bucket.IdleDuration is not null && _clients.TryRemove(new KeyValuePair<ClientKey, TokenBucketRateLimiter>(key, bucket)))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _nextSweepMs, Environment.TickCount64 + 1000);
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
