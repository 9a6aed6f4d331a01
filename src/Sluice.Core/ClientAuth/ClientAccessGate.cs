using Microsoft.AspNetCore.Http;
using Sluice.Model;
using Sluice.Routing;

namespace Sluice.ClientAuth;

/// <summary>
/// Client access control on the request path. With one Gateway policy for every route the client is checked
/// before its body is read; with route policies, once the route is known (the model is in the body). The
/// allow-list is checked against the request's model. Every outcome is a <see cref="ClientAccess"/> value.
/// </summary>
internal static class ClientAccessGate
{
    public static ValueTask<ClientAccess> BeforeRoutingAsync(HttpContext context, ClientAccessModel access) =>
        access.AuthenticatesBeforeRouting
            ? AuthenticateAsync(context, access.Gateway!)
            : new(access.IsEmpty ? ClientAccess.Open : ClientAccess.Pending);

    /// <summary>
    /// Checks the client against the policy of <paramref name="rule"/>'s route (reusing <paramref name="early"/> when it
    /// was that policy) and the model against its allow-list. With no rule, the Gateway's policy still decides
    /// whether the client may learn that the model does not exist.
    /// </summary>
    public static async ValueTask<ClientAccess> AfterRoutingAsync(HttpContext context, ClientAccessModel access, ClientAccess early, RouteRuleModel? rule, string model)
    {
        if (access.IsEmpty || access.For(rule?.RouteName) is not { } policy)
        {
            return ClientAccess.Open;
        }

        var result = ReferenceEquals(early.Policy, policy) ? early : await AuthenticateAsync(context, policy).ConfigureAwait(false);
        if (!result.Allowed || rule is null || policy.AllowedModels is null || policy.AllowedModels.Allows(result.Identity!, model))
        {
            return result;
        }

        var who = result.Identity!.Describe();
        return ClientAccess.Denied(policy, ClientAuthFailure.ModelNotAllowed, $"the model '{model}' is not allowed for client '{who}'. GET /v1/models lists the models it may use.");
    }

    public static Task DenyAsync(HttpResponse response, ClientAccess access) => ClientAuthResponse.WriteAsync(response, access);

    /// <summary>
    /// GET /v1/models for this client: models of routes without a policy, and models of routes whose policy accepts
    /// the client and whose allow-list has them. A client no policy accepts, with nothing unprotected to see, gets 401.
    /// </summary>
    public static async Task WriteModelsAsync(HttpContext context, ClientAccessModel access)
    {
        var verdicts = new Dictionary<ClientPolicy, ClientAccess>();
        if (access.AuthenticatesBeforeRouting)
        {
            var verdict = await AuthenticateAsync(context, access.Gateway!).ConfigureAwait(false);
            if (!verdict.Allowed)
            {
                await DenyAsync(context.Response, verdict).ConfigureAwait(false);
                return;
            }

            verdicts[access.Gateway!] = verdict;
        }

        var listed = new List<ClientModelListing>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listing in access.Models)
        {
            if (seen.Contains(listing.Id))
            {
                continue;
            }

            if (access.For(listing.RouteName) is { } policy)
            {
                if (!verdicts.TryGetValue(policy, out var verdict))
                {
                    verdicts[policy] = verdict = await AuthenticateAsync(context, policy).ConfigureAwait(false);
                }

                if (!verdict.Allowed || (policy.AllowedModels is not null && !policy.AllowedModels.Allows(verdict.Identity!, listing.Id)))
                {
                    continue;
                }
            }

            seen.Add(listing.Id);
            listed.Add(listing);
        }

        if (listed.Count == 0 && verdicts.Count > 0 && verdicts.Values.All(static v => !v.Allowed))
        {
            await DenyAsync(context.Response, verdicts.Values.First()).ConfigureAwait(false);
            return;
        }

        await ModelsResponseWriter.WriteAsync(context.Response, listed).ConfigureAwait(false);
    }

    private static async ValueTask<ClientAccess> AuthenticateAsync(HttpContext context, ClientPolicy policy)
    {
        var result = await policy.AuthenticateAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (result.Allowed)
        {
            policy.ApplyHeaders(context.Request.Headers, result.Identity!);
        }

        return result;
    }
}
