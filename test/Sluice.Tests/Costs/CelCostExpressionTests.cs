using Sluice.Usage;

namespace Sluice.Costs;

/// <summary>Envoy AI Gateway's CEL cost variables, result types and failures, on TELUS's CEL interpreter.</summary>
public sealed class CelCostExpressionTests
{
    private static readonly TokenUsage Usage = new(Input: 100, CachedInput: 40, CacheCreationInput: 8, Output: 30, Reasoning: 12, Total: 130);

    private static CelCostExpression Compile(string text)
    {
        var expression = CelCostExpression.TryCompile(text, out var error);
        Assert.True(expression is not null, error);
        return expression!;
    }

    private static long Evaluate(string text, string model = "gpt-4o", string backend = "openai.default", TokenUsage? usage = null)
    {
        var ok = Compile(text).TryEvaluate(new CostInputs(usage ?? Usage, model, backend, "default/chat"), out var cost, out var failure);
        Assert.True(ok, failure.Reason);
        return cost;
    }

    private static CelCostFailure Failure(string text, TokenUsage? usage = null)
    {
        var ok = Compile(text).TryEvaluate(new CostInputs(usage ?? Usage, "gpt-4o", "openai.default", "default/chat"), out _, out var failure);
        Assert.False(ok);
        return failure;
    }

    [Theory]
    [InlineData("input_tokens", 100)]
    [InlineData("cached_input_tokens", 40)]
    [InlineData("cache_creation_input_tokens", 8)]
    [InlineData("output_tokens", 30)]
    [InlineData("reasoning_tokens", 12)]
    [InlineData("total_tokens", 130)]
    [InlineData("input_tokens + output_tokens + total_tokens", 260)]
    [InlineData("input_tokens * output_tokens", 3000)]
    [InlineData("(input_tokens - cached_input_tokens) + cached_input_tokens / 10u + output_tokens * 6u", 244)]
    [InlineData("uint(double(cached_input_tokens) * 0.1) + uint(double(cache_creation_input_tokens) * 1.25)", 14)]
    [InlineData("input_tokens == uint(100) ? 100000000 : 0", 100000000)]
    [InlineData("input_tokens == uint(3) ? 100000000 : 0", 0)]
    [InlineData("model == 'gpt-4o' ? input_tokens + output_tokens : total_tokens", 130)]
    [InlineData("model == 'llama' ? input_tokens + output_tokens : total_tokens", 130)]
    [InlineData("backend == 'openai.default' ? output_tokens : total_tokens", 30)]
    [InlineData("route_name == 'default/chat' ? 7 : 0", 7)]
    [InlineData("model.startsWith('gpt') ? 1 : 2", 1)]
    [InlineData("size(model)", 6)]
    [InlineData("(input_tokens - cached_input_tokens) + cached_input_tokens / 10u + uint(double(cache_creation_input_tokens) * 1.25) + output_tokens * 4u", 194)] // docs/rate-limiting.md
    [InlineData("backend == 'azure-gpt4.default' ? total_tokens * 2u : total_tokens", 130)] // docs/rate-limiting.md
    public void Expression_ReadsEnvoysVariables(string text, long expected) =>
        Assert.Equal(expected, Evaluate(text));

    [Fact]
    public void TokenVariables_AreUnsigned_SoUintLiteralsCompare() =>
        Assert.Equal(1, Evaluate("input_tokens == 100u && output_tokens > 0u ? 1 : 0"));

    [Fact]
    public void NegativeCounts_AreReadAsZero() =>
        Assert.Equal(0, Evaluate("input_tokens", usage: new TokenUsage(-5, 0, 0, 0, 0, 0)));

    [Theory]
    [InlineData("input_tokens + output_tokens * 0.5", "No overload", "output_tokens * 6u")]
    [InlineData("nope + 1", "Undeclared reference to 'nope'", "the variables are model, backend, route_name")]
    [InlineData("'abc'", "it returned a string 'abc'; a cost must be an int or a uint", "")]
    [InlineData("double(input_tokens) * 0.5", "it returned a double 50", "")]
    [InlineData("input_tokens > 3u", "it returned a bool True", "")]
    [InlineData("foo(1)", "Unbound function 'foo'", "")]
    public void WrittenWrong_FailsWhateverTheNumbers(string text, string reason, string hint)
    {
        var failure = Failure(text);

        Assert.False(failure.ValueDependent);
        Assert.Contains(reason, failure.Reason, StringComparison.Ordinal);
        Assert.Contains(hint, failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input_tokens / reasoning_tokens", "Cannot divide")]
    [InlineData("input_tokens - cached_input_tokens", "overflow")]
    [InlineData("int(output_tokens) - 100", "it returned -70; a cost cannot be negative")]
    [InlineData("18446744073709551615u", "more than a cost can be")]
    public void FailuresThatDependOnTheNumbers_AreMarkedSo(string text, string reason)
    {
        var failure = Failure(text, new TokenUsage(100, 200, 0, 30, 0, 130));

        Assert.True(failure.ValueDependent);
        Assert.Contains(reason, failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input_tokens >", "does not parse")]
    [InlineData("", "is empty")]
    [InlineData("  ", "is empty")]
    [InlineData("(input_tokens", "does not parse")]
    public void SyntaxErrors_AreReportedWhenCompiling(string text, string expected)
    {
        Assert.Null(CelCostExpression.TryCompile(text, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void OneExpression_EvaluatesOnManyThreadsAtOnce()
    {
        var expression = Compile("model == 'a' ? input_tokens * 2u : output_tokens + uint(size(backend))");
        Parallel.For(0, 2000, i =>
        {
            var model = i % 2 == 0 ? "a" : "b";
            Assert.True(expression.TryEvaluate(new CostInputs(new TokenUsage(i, 0, 0, i, 0, 2 * i), model, "x.y", "r"), out var cost, out _));
            Assert.Equal(i % 2 == 0 ? 2 * i : i + 3, cost);
        });
    }
}
