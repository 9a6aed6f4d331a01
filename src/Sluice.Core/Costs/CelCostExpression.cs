using Cel;
using Sluice.Usage;

namespace Sluice.Costs;

/// <summary>What a CEL cost expression can read: Envoy AI Gateway's variables for one request.</summary>
/// <param name="Model">The model the client asked for (the request body's <c>model</c>).</param>
/// <param name="Backend">The AIServiceBackend that served it, as Envoy names it: <c>name.namespace</c>.</param>
/// <param name="RouteName">The AIGatewayRoute, as the access log names it: <c>namespace/name</c>.</param>
internal readonly record struct CostInputs(TokenUsage Usage, string Model, string Backend, string RouteName)
{
    /// <summary>An AIServiceBackend's name in Envoy's form for <c>backend</c>: <c>name.namespace</c>.</summary>
    public static string BackendName(string name, string @namespace) => $"{name}.{@namespace}";
}

/// <summary>
/// One <c>llmRequestCosts</c> entry of <c>type: CEL</c>, compiled once per config load by TELUS's CEL interpreter
/// (the <c>Cel</c> package) and evaluated when a response ends. The token variables are CEL <c>uint</c>s, and the
/// result must be a non-negative <c>int</c> or <c>uint</c>, as in Envoy AI Gateway. Evaluation never throws: a
/// failure (overflow, division by zero, a negative or non-integer result) is returned with its reason.
/// </summary>
internal sealed class CelCostExpression
{
    public static readonly string[] Variables =
        ["model", "backend", "route_name", "input_tokens", "cached_input_tokens", "cache_creation_input_tokens", "output_tokens", "total_tokens", "reasoning_tokens"];

    // The interpreter's environment holds only the standard functions; compiling is guarded because the library
    // does not document its compiler as thread-safe (config loads are rare, so the lock costs nothing).
    private static readonly Lock CompileLock = new();
    private static readonly CelEnvironment Environment = new(null, null);

    private readonly CelProgramDelegate _program;

    private CelCostExpression(string text, CelProgramDelegate program)
    {
        Text = text;
        _program = program;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; a syntax error is returned as <paramref name="error"/>.</summary>
    public static CelCostExpression? TryCompile(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the CEL expression is empty";
            return null;
        }

        try
        {
            lock (CompileLock)
            {
                return new CelCostExpression(text, Environment.Compile(text));
            }
        }
        catch (Exception ex)
        {
            error = "the CEL expression does not parse: " + ex.Message.ReplaceLineEndings("; ");
            return null;
        }
    }

    /// <summary>The cost for one request; false with the reason when the expression fails for these inputs.</summary>
    public bool TryEvaluate(in CostInputs inputs, out long cost, out CelCostFailure failure)
    {
        cost = 0;
        object? result;
        try
        {
            result = _program(Bind(inputs));
        }
        catch (Exception ex)
        {
            failure = new CelCostFailure(IsValueDependent(ex), Describe(ex));
            return false;
        }

        switch (result)
        {
            case long l when l >= 0:
                cost = l;
                break;
            case ulong u when u <= long.MaxValue:
                cost = (long)u;
                break;
            case int i when i >= 0:
                cost = i;
                break;
            case uint u:
                cost = u;
                break;
            case long or int:
                failure = new CelCostFailure(true, $"it returned {result}; a cost cannot be negative");
                return false;
            case ulong:
                failure = new CelCostFailure(true, $"it returned {result}, more than a cost can be ({long.MaxValue})");
                return false;
            default:
                failure = new CelCostFailure(false, $"it returned {CelTypeName(result)} {Quote(result)}; a cost must be an int or a uint (wrap a double in uint(...))");
                return false;
        }

        failure = default;
        return true;
    }

    private static Dictionary<string, object?> Bind(in CostInputs inputs)
    {
        var usage = inputs.Usage;
        return new Dictionary<string, object?>(Variables.Length, StringComparer.Ordinal)
        {
            ["model"] = inputs.Model,
            ["backend"] = inputs.Backend,
            ["route_name"] = inputs.RouteName,
            ["input_tokens"] = Unsigned(usage.Input),
            ["cached_input_tokens"] = Unsigned(usage.CachedInput),
            ["cache_creation_input_tokens"] = Unsigned(usage.CacheCreationInput),
            ["output_tokens"] = Unsigned(usage.Output),
            ["total_tokens"] = Unsigned(usage.Total),
            ["reasoning_tokens"] = Unsigned(usage.Reasoning),
        };
    }

    private static ulong Unsigned(long value) => value > 0 ? (ulong)value : 0;

    /// <summary>Failures that depend on the numbers (overflow, division by zero), not on how the expression is written.</summary>
    private static bool IsValueDependent(Exception ex) =>
        ex is CelOverflowException or CelDivideByZeroException or CelModulusByZeroException or CelArgumentRangeException;

    private static string Describe(Exception ex)
    {
        var message = ex.Message.ReplaceLineEndings("; ");
        return ex switch
        {
            CelUndeclaredReferenceException => $"{message} (the variables are {string.Join(", ", Variables)})",
            CelNoSuchOverloadException => $"{message} (the token variables are uints: write output_tokens * 6u, or uint(double(cached_input_tokens) * 0.1) for a fraction)",
            CelException => message,
            _ => $"{ex.GetType().Name}: {message}",
        };
    }

    private static string CelTypeName(object? value) => value switch
    {
        null => "null",
        double or float or decimal => "a double",
        string => "a string",
        bool => "a bool",
        _ => "a " + value.GetType().Name,
    };

    private static string Quote(object? value) => value is string s ? $"'{s}'" : value?.ToString() ?? "";
}

/// <summary>Why a CEL cost failed; <see cref="ValueDependent"/> when other token counts could succeed.</summary>
internal readonly record struct CelCostFailure(bool ValueDependent, string Reason);
