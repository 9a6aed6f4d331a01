namespace Sluice.Simulator.Requests;

/// <summary>A rejected request: the HTTP status and the fields of the OpenAI error envelope.</summary>
internal readonly record struct RequestError(int Status, string Message, string Type, string? Param, string? Code)
{
    private const string InvalidRequest = "invalid_request_error";

    public static RequestError InvalidJson() => new(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
        + "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        InvalidRequest,
        null,
        null);

    public static RequestError MissingModel() =>
        new(400, "you must provide a model parameter", InvalidRequest, null, null);

    public static RequestError MissingParameter(string param) =>
        new(400, $"Missing required parameter: '{param}'.", InvalidRequest, param, "missing_required_parameter");

    public static RequestError InvalidType(string param, string expected) =>
        new(400, $"Invalid type for '{param}': expected {expected}.", InvalidRequest, param, "invalid_type");

    public static RequestError EmptyArray(string param) => new(
        400,
        $"Invalid '{param}': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        InvalidRequest,
        param,
        "empty_array");

    public static RequestError BelowMinimum(string param, int value, int minimum) => new(
        400,
        $"Invalid '{param}': integer below minimum value. Expected a value >= {minimum}, but got {value} instead.",
        InvalidRequest,
        param,
        "integer_below_min_value");

    public static RequestError AboveMaximum(string param, int value, int maximum) => new(
        400,
        $"Invalid '{param}': integer above maximum value. Expected a value <= {maximum}, but got {value} instead.",
        InvalidRequest,
        param,
        "integer_above_max_value");

    public static RequestError InvalidValue(string param, string message) =>
        new(400, message, InvalidRequest, param, "invalid_value");
}
