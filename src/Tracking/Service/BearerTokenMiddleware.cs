using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Service;

/// <summary>Refuses every request without <c>Authorization: Bearer &lt;token&gt;</c> (401), comparing in constant time.</summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, string token, ILogger<BearerTokenMiddleware> logger)
{
    private readonly byte[] expected = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        var given = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : string.Empty;
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
        {
            await next(context);
            return;
        }

        Log.Unauthorized(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            """{"error_code":"UNAUTHENTICATED","message":"this server needs 'Authorization: Bearer <token>' (the token given to hq ui with --token or HQ_UI_TOKEN)"}""",
            context.RequestAborted);
    }
}
