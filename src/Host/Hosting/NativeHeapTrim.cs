using System.Runtime.InteropServices;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Hands the native heap's free pages back to the OS every couple of seconds. glibc keeps what the
/// runtime's threads free in per-thread arenas (6–8 MB resident after a load burst, measured); trimming
/// costs about 0.1 ms, off the request path. Where there is no glibc (musl, macOS, Windows) it stops
/// after the first try.
/// </summary>
public sealed partial class NativeHeapTrim(ILogger<NativeHeapTrim> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    /// <summary>One trim; false when this platform's C library has no malloc_trim.</summary>
    public static bool TryTrim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (TryTrim()) continue;
                Unsupported(log);
                return;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Debug, "no malloc_trim in this C library; the native heap is left to it")]
    private static partial void Unsupported(ILogger logger);
}
