using System.Collections.Concurrent;
using System.Diagnostics;

namespace FlowBalance.Host.Tests.Support;

/// <summary>
/// Clients sending GET / back to back until stopped, recording for each response a label (from
/// <c>classify</c>) with when it started and ended; failures are counted, never thrown.
/// </summary>
public sealed class Traffic : IAsyncDisposable
{
    private const int MaxRequests = 200_000; // bounded even if a test forgets to stop it

    private readonly ConcurrentQueue<(long Start, long End, string Label)> _results = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private int _failed;
    private int _sent;

    public static Traffic Start(HttpClient client, int clients, Func<HttpResponseMessage, string> classify)
    {
        var traffic = new Traffic();
        for (var i = 0; i < clients; i++) traffic._clients.Add(Task.Run(() => traffic.Loop(client, classify)));
        return traffic;
    }

    public int Seen(string label) => _results.Count(r => r.Label == label);

    /// <summary>Responses labelled <paramref name="old"/> to requests that started after the first <paramref name="next"/> response ended.</summary>
    public int SeenAfterLast(string next, string old)
    {
        var firstNext = _results.Where(r => r.Label == next).Select(r => r.End).DefaultIfEmpty(long.MaxValue).Min();
        return _results.Count(r => r.Label == old && r.Start > firstNext);
    }

    public async Task<Summary> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        return new Summary(Volatile.Read(ref _failed), [.. _results.Select(r => r.Label)]);
    }

    private async Task Loop(HttpClient client, Func<HttpResponseMessage, string> classify)
    {
        while (!_stop.IsCancellationRequested && Interlocked.Increment(ref _sent) <= MaxRequests)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.GetAsync("/", _stop.Token);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref _failed);
                else _results.Enqueue((start, Stopwatch.GetTimestamp(), classify(response)));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _failed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }

    public sealed record Summary(int Failed, IReadOnlyList<string> Labels)
    {
        public int Count(string label) => Labels.Count(l => l == label);
    }
}
