using System.Security.Cryptography;
using System.Text;
using FlowBalance.Host.Admin.Store;

namespace FlowBalance.Host.Admin.Config;

/// <summary>
/// Records each applied config text as a revision in the admin database and knows which revision runs
/// (<see cref="Current"/>, the ETag of <c>GET /config</c>). Called by the ConfigReloader while it holds
/// its one-reload-at-a-time lock, so revisions are numbered in the order they were applied.
/// </summary>
public sealed class ConfigRevisions(AdminDatabase database)
{
    private long _current;

    /// <summary>The id of the revision now running; 0 before startup recorded one.</summary>
    public long Current => Interlocked.Read(ref _current);

    public AdminDatabase Database => database;

    /// <summary>The running file at startup: the newest stored revision when it has the same SHA-256, else a new <c>startup</c> revision.</summary>
    public long RecordStartup(string text, string summary)
    {
        var sha = Sha256(text);
        var newest = database.ListRevisions(1).FirstOrDefault();
        var id = newest is not null && newest.Sha256 == sha ? newest.Id : Append("startup", "startup", text, sha, summary);
        Interlocked.Exchange(ref _current, id);
        return id;
    }

    /// <summary>Appends a revision that is now running and returns its id.</summary>
    public long Record(string source, string actor, string text, string summary)
    {
        var id = Append(source, actor, text, Sha256(text), summary);
        Interlocked.Exchange(ref _current, id);
        return id;
    }

    /// <summary>The SHA-256 of the text as UTF-8 (without a byte order mark): lowercase hex.</summary>
    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private long Append(string source, string actor, string text, string sha, string summary) =>
        database.AppendRevision(new ConfigRevision(0, DateTimeOffset.UtcNow, source, actor, sha, text, summary));
}
