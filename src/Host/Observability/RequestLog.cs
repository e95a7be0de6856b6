using System.Diagnostics;
using System.Net;

namespace FlowBalance.Host.Observability;

/// <summary>
/// The last <c>request_log.size</c> requests of this node (default 10,000). The ring's slots are
/// allocated once and overwritten in place, each guarded by a sequence number (a seqlock): a writer
/// claims a slot with one <see cref="Interlocked.Increment(ref long)"/> and stores references the
/// request already has; a reader copies a slot and keeps the copy only if the sequence did not move.
/// No lock, and no allocation per request unless someone tails the live stream.
/// </summary>
public sealed class RequestLog
{
    private readonly Slot[] _ring;
    private long _written;

    public RequestLog(int capacity, bool includeQuery, bool enabled = true)
    {
        _ring = [.. Enumerable.Range(0, enabled ? capacity : 1).Select(_ => new Slot())];
        IncludeQuery = includeQuery;
        Enabled = enabled;
    }

    /// <summary>False with <c>request_log.enabled = false</c>: nothing is recorded.</summary>
    public bool Enabled { get; }

    public int Capacity => _ring.Length;

    public bool IncludeQuery { get; }

    public LiveFeed<RequestEntry> Live { get; } = new();

    /// <summary>The access-log file's writer when <c>access_log.path</c> is set: handed a copy of every entry.</summary>
    public AccessLogWriter? AccessLog { get; set; }

    public long Written => Volatile.Read(ref _written);

    public void Record(string requestId, IPAddress? client, string method, string host, string path, string? query, int status, string? service,
        ReadOnlySpan<AttemptRecord> attempts, long startedTimestamp, long? bytesIn, long? bytesOut, string? error,
        string protocol = "HTTP/1.1", string? referer = null, string? userAgent = null)
    {
        if (!Enabled)
        {
            // No ring, but the access-log file still gets every request.
            AccessLog?.Offer(new RequestEntry(DateTimeOffset.UtcNow, requestId, client, method, host, query is { Length: > 0 } ? path + query : path, status, service,
                attempts.Length > 0 ? attempts[^1].Backend : null, attempts.ToArray(), Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds,
                bytesIn, bytesOut, error) { Protocol = protocol, Referer = referer, UserAgent = userAgent });
            return;
        }
        var sequence = Interlocked.Increment(ref _written);
        var slot = _ring[(sequence - 1) % _ring.Length];
        Volatile.Write(ref slot.Sequence, 0); // being written
        slot.Time = DateTimeOffset.UtcNow;
        slot.RequestId = requestId;
        slot.Client = client;
        slot.Method = method;
        slot.Host = host;
        slot.Path = path;
        slot.Query = query;
        slot.Status = status;
        slot.Service = service;
        var count = Math.Min(attempts.Length, Slot.MaxAttempts);
        if (count > 0) slot.First = attempts[0];
        if (count > 1)
        {
            // Retried requests are few: a slot gets room for more attempts the first time it needs it, and keeps it.
            slot.More ??= new AttemptRecord[Slot.MaxAttempts - 1];
            attempts[1..count].CopyTo(slot.More);
        }
        slot.AttemptCount = count;
        slot.DurationTicks = Stopwatch.GetElapsedTime(startedTimestamp).Ticks;
        slot.BytesIn = bytesIn ?? -1;
        slot.BytesOut = bytesOut ?? -1;
        slot.Error = error;
        slot.Protocol = protocol;
        slot.Referer = referer;
        slot.UserAgent = userAgent;
        Volatile.Write(ref slot.Sequence, sequence);
        if ((Live.Subscribers > 0 || AccessLog is not null) && Copy(slot, sequence) is { } entry)
        {
            if (Live.Subscribers > 0) Live.Publish(entry);
            AccessLog?.Offer(entry);
        }
    }

    /// <summary>Newest first, at most <paramref name="limit"/>, those that <paramref name="match"/>.</summary>
    public List<RequestEntry> Recent(int limit, Func<RequestEntry, bool> match)
    {
        var result = new List<RequestEntry>(Math.Min(limit, 256));
        var written = Written;
        for (var sequence = written; sequence > 0 && sequence > written - _ring.Length && result.Count < limit; sequence--)
        {
            if (Copy(_ring[(sequence - 1) % _ring.Length], sequence) is { } entry && match(entry)) result.Add(entry);
        }
        return result;
    }

    /// <summary>A copy of the slot if it still holds request <paramref name="sequence"/> from start to end of the copy.</summary>
    private static RequestEntry? Copy(Slot slot, long sequence)
    {
        if (Volatile.Read(ref slot.Sequence) != sequence) return null;
        var count = slot.AttemptCount;
        var more = slot.More;
        if (count > 1 && more is null) return null; // torn by a writer: the sequence check would drop it anyway
        var attempts = new AttemptRecord[count];
        if (count > 0) attempts[0] = slot.First;
        if (count > 1) more.AsSpan(0, count - 1).CopyTo(attempts.AsSpan(1));
        var path = slot.Query is { Length: > 0 } query ? slot.Path + query : slot.Path;
        var entry = new RequestEntry(slot.Time, slot.RequestId, slot.Client, slot.Method, slot.Host, path, slot.Status, slot.Service,
            attempts.Length > 0 ? attempts[^1].Backend : null, attempts, TimeSpan.FromTicks(slot.DurationTicks).TotalMilliseconds,
            slot.BytesIn < 0 ? null : slot.BytesIn, slot.BytesOut < 0 ? null : slot.BytesOut, slot.Error)
        {
            Protocol = slot.Protocol, Referer = slot.Referer, UserAgent = slot.UserAgent,
        };
        return Volatile.Read(ref slot.Sequence) == sequence ? entry : null;
    }

    private sealed class Slot
    {
        public const int MaxAttempts = 8;

        public long Sequence;
        public DateTimeOffset Time;
        public string RequestId = "";
        public IPAddress? Client;
        public string Method = "";
        public string Host = "";
        public string Path = "";
        public string? Query;
        public int Status;
        public string? Service;
        public int AttemptCount;
        public AttemptRecord First;
        public AttemptRecord[]? More;
        public long DurationTicks;
        public long BytesIn;
        public long BytesOut;
        public string? Error;
        public string Protocol = "HTTP/1.1";
        public string? Referer;
        public string? UserAgent;
    }
}
