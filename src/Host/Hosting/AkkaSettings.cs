using System.Diagnostics;

namespace FlowBalance.Host.Hosting;

/// <summary>
/// Recognises a startup failure caused by the file's <c>akka { }</c> section (Akka.NET validates its
/// own settings only when the actor system starts, e.g. <c>loglevel = BOGUS</c> throws
/// "Unknown LogLevel"), so it is reported as a configuration error instead of a crash.
/// </summary>
public static class AkkaSettings
{
    public static bool Refused(Exception error) => error is ArgumentException or FormatException or InvalidOperationException
        or Akka.Configuration.ConfigurationException or TypeLoadException && ThrownByAkka(error)
        || error is AggregateException { InnerException: { } inner } && Refused(inner);

    public static string Message(Exception error) =>
        (error is AggregateException { InnerException: { } inner } ? inner : error).Message;

    private static bool ThrownByAkka(Exception error) =>
        new StackTrace(error).GetFrames().Any(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Akka", StringComparison.Ordinal) == true);
}
