using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>GatewayConfig forwardProxy: TLS upstream traffic goes through an HTTP CONNECT egress proxy.</summary>
public sealed class ForwardProxyTests
{
    [Fact]
    public async Task GatewayConfigForwardProxy_TunnelsTlsUpstreamsThroughConnect()
    {
        using var certificates = TestCertificates.Create();
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("{\"ok\":true}"), certificates.IssueServer("llm.internal.test"));
        await using var proxy = new ConnectProxy();
        var ca = string.Join("\n", certificates.CaPem.Split('\n').Select(static l => "    " + l));
        var yaml = Configs.OpenAI(upstream.Port) + $$"""

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gw
              namespace: default
              annotations:
                aigateway.envoyproxy.io/gateway-config: egress
            spec:
              gatewayClassName: sluice
              listeners: [{name: http, protocol: HTTP, port: 1975}]
            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: GatewayConfig
            metadata: {name: egress, namespace: default}
            spec:
              forwardProxy: {address: "{{proxy.Address}}"}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {name: tls, namespace: default}
            spec:
              targetRefs: [{group: gateway.envoyproxy.io, kind: Backend, name: upstream}]
              validation:
                caCertificateRefs: [{name: ca, kind: ConfigMap}]
                hostname: llm.internal.test
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ca, namespace: default}
            data:
              ca.crt: |
            {{ca}}
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(yaml);

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"127.0.0.1:{upstream.Port}", Assert.Single(proxy.Tunnels));
        Assert.Single(upstream.Requests);
    }
}
