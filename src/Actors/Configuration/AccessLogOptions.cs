namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>access_log { path, format = json | combined, max_size_mb, keep_files }</c>: a file of every
/// request, rotated by size (<c>access.log</c> → <c>access.log.1</c> …, the oldest beyond
/// <see cref="KeepFiles"/> deleted). Off unless <see cref="Path"/> is set.
/// </summary>
public sealed record AccessLogOptions(string? Path, string Format, double MaxSizeMb, int KeepFiles)
{
    public static readonly string[] Formats = ["json", "combined"];

    public static readonly AccessLogOptions Default = new(null, "json", 100, 5);

    public long MaxBytes => (long)(MaxSizeMb * 1024 * 1024);
}
