using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Host.Observability;

/// <summary>
/// The access-log file (<c>access_log.path</c>): entries are queued (bounded) and written by one
/// background task, so the request path never waits on the disk. When the writer falls behind,
/// entries are dropped, counted (<c>flowbalance_access_log_dropped_total</c>) and reported in at
/// most one warning line every 10 s. The file rotates by size: access.log → access.log.1 → … → access.log.N.
/// </summary>
public sealed partial class AccessLogWriter : BackgroundService
{
    private const int QueueLength = 10_000;
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private readonly AccessLogOptions _options;
    private readonly ILogger _log;
    private readonly Channel<RequestEntry> _queue = Channel.CreateBounded<RequestEntry>(new BoundedChannelOptions(QueueLength)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: that entry is dropped
    });
    private readonly Meter _meter = new(ProxyMetrics.MeterName);
    private readonly Counter<long> _dropped;
    private long _droppedSinceReport;
    private long _lastReport;

    public AccessLogWriter(FlowBalanceOptions options, ILogger<AccessLogWriter> log)
    {
        _options = options.AccessLog;
        _log = log;
        _dropped = _meter.CreateCounter<long>("flowbalance.access_log.dropped", null, "Access-log entries dropped because the writer fell behind");
    }

    public void Offer(RequestEntry entry)
    {
        if (_queue.Writer.TryWrite(entry)) return;
        _dropped.Add(1);
        Interlocked.Increment(ref _droppedSinceReport);
        var now = Environment.TickCount64;
        var last = Volatile.Read(ref _lastReport);
        if (now - last >= ReportEvery.TotalMilliseconds && Interlocked.CompareExchange(ref _lastReport, now, last) == last)
        {
            LogDropped(_log, Interlocked.Exchange(ref _droppedSinceReport, 0), _options.Path!);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = _options.Path!;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var writer = Open(path);
        var written = new FileInfo(path).Length;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_queue.Reader.TryRead(out var entry))
                {
                    var line = Line(entry);
                    await writer.WriteAsync(line);
                    await writer.WriteAsync('\n');
                    written += Encoding.UTF8.GetByteCount(line) + 1;
                    if (written >= _options.MaxBytes)
                    {
                        await writer.DisposeAsync();
                        Rotate(path, _options.KeepFiles);
                        writer = Open(path);
                        written = 0;
                    }
                }
                await writer.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: what is written stays
        }
        catch (IOException e)
        {
            LogFailed(_log, path, e.Message);
        }
        finally
        {
            await writer.DisposeAsync();
        }
    }

    private static StreamWriter Open(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024), new UTF8Encoding(false)) { AutoFlush = false };

    /// <summary>access.log.N-1 → .N (the oldest beyond <paramref name="keep"/> deleted), …, access.log → .1.</summary>
    public static void Rotate(string path, int keep)
    {
        if (keep == 0)
        {
            File.Delete(path);
            return;
        }
        File.Delete($"{path}.{keep}");
        for (var i = keep - 1; i >= 1; i--)
        {
            if (File.Exists($"{path}.{i}")) File.Move($"{path}.{i}", $"{path}.{i + 1}");
        }
        File.Move(path, $"{path}.1");
    }

    private string Line(RequestEntry entry) => _options.Format == "combined" ? Combined(entry) : Json(entry);

    private static string Json(RequestEntry entry) => Encoding.UTF8.GetString(EventJson.Serialize(json => RequestsEndpoint.Write(json, entry)));

    /// <summary>The Apache/nginx combined format: client - - [time] "METHOD path PROTOCOL" status bytes "referer" "user-agent".</summary>
    public static string Combined(RequestEntry e)
    {
        static string Quoted(string? value) => string.IsNullOrEmpty(value) ? "-" : value.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var client = e.Client is { } c ? (c.IsIPv4MappedToIPv6 ? c.MapToIPv4() : c).ToString() : "-";
        var time = e.Time.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var bytes = e.BytesOut is { } b ? b.ToString(CultureInfo.InvariantCulture) : "-";
        return $"{client} - - [{time}] \"{e.Method} {e.Path} {e.Protocol}\" {e.Status} {bytes} \"{Quoted(e.Referer)}\" \"{Quoted(e.UserAgent)}\"";
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "access log: {Count} entries dropped, the writer of {Path} fell behind (the disk is slower than the traffic)")]
    private static partial void LogDropped(ILogger logger, long count, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "access log {Path} failed: {Message}; no more entries are written to it")]
    private static partial void LogFailed(ILogger logger, string path, string message);
}
