using Sluice.Simulator.Requests;

namespace Sluice.Simulator.Faults;

/// <summary>The error envelope api.openai.com sends for each status, for <see cref="FaultHeaders.Status"/>.</summary>
internal static class SimulatedErrors
{
    public static RequestError ForStatus(int status, int retryAfterSeconds) => status switch
    {
        400 => new(status, "Simulated bad request (x-sim-status: 400).", "invalid_request_error", null, null),
        401 => new(
            status,
            "Incorrect API key provided (simulated by x-sim-status: 401).",
            "invalid_request_error",
            null,
            "invalid_api_key"),
        403 => new(
            status,
            "You are not allowed to access this resource (simulated by x-sim-status: 403).",
            "invalid_request_error",
            null,
            "permission_denied"),
        404 => new(
            status,
            "The model does not exist or you do not have access to it (simulated by x-sim-status: 404).",
            "invalid_request_error",
            null,
            "model_not_found"),
        429 => new(
            status,
            $"Rate limit reached for requests (simulated by x-sim-status: 429). Please try again in {retryAfterSeconds}s.",
            "requests",
            null,
            "rate_limit_exceeded"),
        500 => new(
            status,
            "The server had an error while processing your request. Sorry about that! (simulated by x-sim-status: 500)",
            "server_error",
            null,
            null),
        503 => new(
            status,
            "The engine is currently overloaded, please try again later. (simulated by x-sim-status: 503)",
            "server_error",
            null,
            null),
        < 500 => new(status, $"Simulated error (x-sim-status: {status}).", "invalid_request_error", null, null),
        _ => new(status, $"Simulated error (x-sim-status: {status}).", "server_error", null, null),
    };
}
