using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// Refuses every request without the token (401), compared in constant time. API clients send
/// <c>Authorization: Bearer &lt;token&gt;</c> (MLflow's <c>MLFLOW_TRACKING_TOKEN</c>). A browser cannot add that header,
/// so opening any page once with <c>?token=&lt;token&gt;</c> stores the token in an HttpOnly, same-site cookie and
/// redirects to the same address without it.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, string token, ILogger<BearerTokenMiddleware> logger)
{
    public const string CookieName = "hq_ui_token";

    private const string QueryName = "token";

    private readonly byte[] expected = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue(QueryName, out var fromQuery) && Matches(fromQuery.ToString()))
        {
            context.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = "/",
            });
            var query = QueryString.Create(request.Query.Where(pair => pair.Key != QueryName));
            context.Response.Redirect(UriHelper.BuildRelative(request.PathBase, request.Path, query));
            return;
        }

        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        var fromHeader = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : null;
        if ((fromHeader is not null && Matches(fromHeader)) || (request.Cookies.TryGetValue(CookieName, out var fromCookie) && Matches(fromCookie)))
        {
            await next(context);
            return;
        }

        Log.Unauthorized(logger, request.Method, request.Path.Value ?? string.Empty);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            """{"error_code":"UNAUTHENTICATED","message":"this server needs 'Authorization: Bearer <token>' (the token given to hq ui with --token or HQ_UI_TOKEN); in a browser, open any page once with ?token=<token>"}""",
            context.RequestAborted);
    }

    private bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), expected);
}
