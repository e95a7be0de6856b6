using System.Diagnostics;
using FlowBalance.Host.Admin.Store;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>
/// The admin store in a child process (this test assembly run with <c>dotnet exec</c>): one that a test
/// can kill -9, or one that runs as another user. Bounded in count and time, so it ends by itself if the
/// test that started it dies.
/// </summary>
public static class StoreChild
{
    /// <summary>Appends audit entries and prints each id once AppendAudit has returned: every printed id was acknowledged.</summary>
    public const string AuditWriter = "audit-writer";

    /// <summary>Opens the database and prints the AdminStoreException's message (exit 2), or "opened" (exit 0).</summary>
    public const string Opener = "open";

    private const int MaxEntries = 100_000;
    private static readonly TimeSpan MaxRunTime = TimeSpan.FromSeconds(60);

    public static string ActionOf(long id) => $"crash-test write {id}";

    /// <summary>Starts a child; <paramref name="asUser"/> (a uid, when this process is root) runs it as that user through setpriv.</summary>
    public static Process Start(string command, string stateDirectory, int? asUser = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        List<string> args = ["exec", typeof(TestAssemblyMain).Assembly.Location, command, stateDirectory];
        if (asUser is { } uid) args = [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", dotnet, .. args];
        var start = new ProcessStartInfo(asUser is null ? dotnet : "setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    public static int Run(string command, string stateDirectory) => command switch
    {
        AuditWriter => WriteAudit(stateDirectory),
        Opener => Open(stateDirectory),
        _ => 64,
    };

    private static int WriteAudit(string stateDirectory)
    {
        using var database = AdminDatabase.Open(stateDirectory);
        var clock = Stopwatch.StartNew();
        for (var n = 1; n <= MaxEntries && clock.Elapsed < MaxRunTime; n++)
        {
            // A fresh database numbers from 1, so the action names the id the row must have.
            var id = database.AppendAudit(new AuditEntry(0, DateTimeOffset.UtcNow, "child", null, ActionOf(n), null, null, null, "ok"));
            Console.Out.WriteLine(id); // Console.Out flushes every write
        }
        return 0;
    }

    private static int Open(string stateDirectory)
    {
        try
        {
            AdminDatabase.Open(stateDirectory).Dispose();
            Console.Out.WriteLine("opened");
            return 0;
        }
        catch (AdminStoreException e)
        {
            Console.Out.WriteLine(e.Message);
            return 2;
        }
    }
}
