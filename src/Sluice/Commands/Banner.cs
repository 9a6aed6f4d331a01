using Sluice.Hosting;

namespace Sluice.Cli.Commands;

/// <summary>What <c>sluice run</c> prints when it starts from a built-in config: how to call it right away.</summary>
internal static class Banner
{
    public static string ForDefault(DefaultConfigKind kind, Uri baseAddress)
    {
        var url = baseAddress.ToString().TrimEnd('/');
        var source = kind switch
        {
            DefaultConfigKind.AzureOpenAI => "No config file given: routing every model to Azure OpenAI (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, OPENAI_API_VERSION).",
            DefaultConfigKind.OpenAI => "No config file given: routing every model to OpenAI (OPENAI_API_KEY, OPENAI_BASE_URL).",
            _ => "No config file and no provider key in the environment: serving the built-in simulated model 'sluice-sim' (offline, deterministic).",
        };
        var model = kind == DefaultConfigKind.Simulator ? "sluice-sim" : "gpt-4o-mini";
        return $$"""

            {{source}}

            Try it:
              curl {{url}}/v1/chat/completions -H 'Content-Type: application/json' \
                -d '{"model":"{{model}}","messages":[{"role":"user","content":"Hello!"}]}'

            Or with the OpenAI Python SDK:
              from openai import OpenAI
              client = OpenAI(base_url="{{url}}/v1", api_key="unused")
              print(client.chat.completions.create(model="{{model}}", messages=[{"role": "user", "content": "Hello!"}]).choices[0].message.content)

            Run your own config with: sluice run config.yaml   (see docs/configuration.md)
            """;
    }
}
