using System.Globalization;
using Keel.Core.Common;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// MLflow's (SQLAlchemy's) spelling of a PostgreSQL backend store: <c>postgresql://user:password@host:port/database?options</c>,
/// optionally with a driver, <c>postgresql+psycopg2://…</c>. Turned into an Npgsql connection string.
/// </summary>
internal static class PostgresUri
{
    // libpq option names MLflow users write in the query string, and the Npgsql keywords that mean the same.
    private static readonly Dictionary<string, string> LibpqOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
        ["host"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
    };

    /// <summary>True for <c>postgresql://</c> and <c>postgresql+driver://</c>.</summary>
    public static bool Matches(string uri) => SchemeLength(uri) > 0;

    /// <summary>The Npgsql connection string; messages name the problem but never echo the password.</summary>
    public static string ToConnectionString(string uri)
    {
        var rest = uri[SchemeLength(uri)..];
        var builder = new NpgsqlConnectionStringBuilder();
        var query = Cut(ref rest, '?');
        // The authority ends at the first '/' after the credentials, so an unescaped '/' in a password still parses.
        var at = rest.LastIndexOf('@');
        var slash = rest.IndexOf('/', at + 1);
        var database = slash < 0 ? null : rest[(slash + 1)..];
        rest = slash < 0 ? rest : rest[..slash];
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }
        if (rest.Length > 0)
        {
            SetHosts(builder, rest);
        }
        if (!string.IsNullOrEmpty(database))
        {
            builder.Database = Uri.UnescapeDataString(database);
        }
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = pair.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0
                ? (Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]))
                : (Uri.UnescapeDataString(pair), "");
            try
            {
                builder[LibpqOptions.GetValueOrDefault(key, key)] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw KeelException.InvalidParameter($"Unsupported option '{key}' in the PostgreSQL backend store URI.");
            }
        }
        if (string.IsNullOrEmpty(builder.Host))
        {
            throw KeelException.InvalidParameter("The PostgreSQL backend store URI names no host: use postgresql://user:password@host:port/database.");
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// <c>host</c>, <c>host:port</c>, <c>[::1]:port</c>, or several comma-separated for failover as libpq allows.
    /// </summary>
    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string authority)
    {
        var hosts = new List<(string Host, int? Port)>();
        foreach (var part in authority.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.LastIndexOf(':');
            if (colon > part.LastIndexOf(']'))
            {
                var portText = part[(colon + 1)..];
                if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    throw KeelException.InvalidParameter($"Invalid port '{portText}' in the PostgreSQL backend store URI.");
                }
                hosts.Add((Uri.UnescapeDataString(part[..colon]).Trim('[', ']'), port));
            }
            else
            {
                hosts.Add((Uri.UnescapeDataString(part).Trim('[', ']'), null));
            }
        }
        if (hosts.Count == 1)
        {
            builder.Host = hosts[0].Host;
            builder.Port = hosts[0].Port ?? builder.Port;
            return;
        }
        // Npgsql's multi-host form carries each host's own port.
        builder.Host = string.Join(",", hosts.Select(h => h.Port is { } port ? $"{h.Host}:{port.ToString(CultureInfo.InvariantCulture)}" : h.Host));
    }

    private static string? Cut(ref string text, char separator)
    {
        var index = text.IndexOf(separator, StringComparison.Ordinal);
        if (index < 0)
        {
            return null;
        }
        var tail = text[(index + 1)..];
        text = text[..index];
        return tail;
    }

    private static int SchemeLength(string uri)
    {
        const string scheme = "postgresql";
        if (!uri.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }
        var separator = uri.IndexOf("://", scheme.Length, StringComparison.Ordinal);
        if (separator < 0)
        {
            return 0;
        }
        var driver = uri[scheme.Length..separator];
        return driver.Length == 0 || (driver[0] == '+' && driver.Length > 1 && driver[1..].All(char.IsAsciiLetterOrDigit))
            ? separator + 3
            : 0;
    }
}
