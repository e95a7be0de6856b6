using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin;

/// <summary>The admin plane's refusals, as RFC 9457 problem+json.</summary>
public static class AdminProblems
{
    public static Task Unauthorized(HttpContext context) => AdminResponses.Problem(context,
        "credentials required: Authorization: Bearer <admin token>, or log in at the login page", StatusCodes.Status401Unauthorized);

    public static Task Forbidden(HttpContext context, string detail) => AdminResponses.Problem(context, detail, StatusCodes.Status403Forbidden);
}
