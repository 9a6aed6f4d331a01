using System.Net;
using Microsoft.AspNetCore.Http;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Infrastructure;
using static Sluice.Gateway.ForwardingTests;

namespace Sluice.Gateway;

/// <summary>BackendTLSPolicy with a private CA from a ConfigMap's ca.crt and an SNI hostname.</summary>
public sealed class TlsUpstreamTests
{
    [Fact]
    public async Task TlsPolicyWithCaConfigMap_TrustsThePrivateCa()
    {
        using var certificates = CreateCertificates("llm.internal.test");
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("{\"ok\":true}"), certificates.Server);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port) + TlsPolicy(certificates.Ca, "llm.internal.test"));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", upstream.LastRequest.Protocol); // negotiated by ALPN over TLS
        Assert.Equal("llm.internal.test", upstream.LastRequest.Header("Host") ?? upstream.LastRequest.Header(":authority"));
    }

    [Fact]
    public async Task TlsPolicyHostnameMismatch_Is502NamingTheTlsFailure()
    {
        using var certificates = CreateCertificates("llm.internal.test");
        await using var upstream = await TestUpstream.StartAsync(context => context.Response.WriteAsync("{\"ok\":true}"), certificates.Server);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.OpenAI(upstream.Port) + TlsPolicy(certificates.Ca, "other.internal.test"));

        using var response = await gateway.Client.SendAsync(Post("/v1/chat/completions", """{"model":"gpt-4o-mini","messages":[]}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("TLS handshake failed", (await ReadError(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    private static string TlsPolicy(X509Certificate2 ca, string hostname)
    {
        var pem = string.Join("\n", ca.ExportCertificatePem().Split('\n').Select(static l => "    " + l));
        return $"""

            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata: {"{"}name: upstream-tls, namespace: default{"}"}
            spec:
              targetRefs: [{"{"}group: gateway.envoyproxy.io, kind: Backend, name: upstream{"}"}]
              validation:
                caCertificateRefs: [{"{"}name: upstream-ca, kind: ConfigMap{"}"}]
                hostname: {hostname}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {"{"}name: upstream-ca, namespace: default{"}"}
            data:
              ca.crt: |
            {pem}
            """;
    }

    private static Certificates CreateCertificates(string hostname)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Sluice Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest($"CN={hostname}", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(6), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new Certificates(ca, server);
    }

    private sealed record Certificates(X509Certificate2 Ca, X509Certificate2 Server) : IDisposable
    {
        public void Dispose()
        {
            Ca.Dispose();
            Server.Dispose();
        }
    }
}
