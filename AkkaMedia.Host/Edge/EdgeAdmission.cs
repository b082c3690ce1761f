using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// Who may open a session, checked on the upgrade request before any session exists: the bearer token
/// (<c>akka-media.edge.token</c>) and the browser origin (<c>akka-media.edge.allowed-origins</c>).
/// </summary>
internal static class EdgeAdmission
{
    /// <summary>Null when <paramref name="request"/> may open a session, else the HTTP status and the one-line reason.</summary>
    public static (int Status, string Reason)? Check(HttpRequest request, EdgeSettings settings)
    {
        if (settings.Token.Length > 0 && !TokenMatches(request, settings.Token))
        {
            return (StatusCodes.Status401Unauthorized, "This server needs a token: send Authorization: Bearer TOKEN, or ?token=TOKEN where headers cannot be set (browsers).");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !OriginAllowed(origin, request, settings.AllowedOrigins))
        {
            return (StatusCodes.Status403Forbidden, $"Origin {origin} may not open sessions here: add it to akka-media.edge.allowed-origins.");
        }

        return null;
    }

    private static bool TokenMatches(HttpRequest request, string token)
    {
        var presented = string.Empty;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }
        else if (request.Query.TryGetValue("token", out var query))
        {
            presented = query.ToString();
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(token));
    }

    private static bool OriginAllowed(string origin, HttpRequest request, IReadOnlyList<string> allowed)
    {
        var normalized = origin.TrimEnd('/');
        if (allowed.Count == 0)
        {
            // The server's own page: same scheme, host and port as the request.
            return string.Equals(normalized, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
        }

        return allowed.Any(a => a == "*" || string.Equals(a, normalized, StringComparison.OrdinalIgnoreCase));
    }
}
