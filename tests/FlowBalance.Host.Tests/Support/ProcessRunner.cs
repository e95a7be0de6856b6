using System.Diagnostics;

namespace FlowBalance.Host.Tests.Support;

/// <summary>Runs an outside tool (curl, testssl.sh) to completion within a deadline; its output is returned, both streams.</summary>
public static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan? within = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within {(within ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s; output so far:\n{(stdout.IsCompleted ? stdout.Result : "")}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
