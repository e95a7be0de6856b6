using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests.Support;

/// <summary>Log lines of the code under test in the test's output (shown when it fails, or with a detailed console logger).</summary>
public sealed class TestOutputLogger<T>(ITestOutputHelper output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {typeof(T).Name}: {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // the test has finished; a background loop logged late
        }
    }
}
