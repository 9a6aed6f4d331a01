using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Forwarding;

namespace Sluice.Infrastructure;

/// <summary>A private test CA and server certificates it signs, plus an HTTP handler that trusts only that CA.</summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 ca) => Ca = ca;

    public X509Certificate2 Ca { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static TestCertificates Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Sluice Test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return new TestCertificates(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7)));
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> and 127.0.0.1, signed by the CA.</summary>
    public X509Certificate2 IssueServer(string dnsName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(6), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>An HTTP handler whose TLS trusts exactly this CA (what Azure.Identity is given in tests).</summary>
    public SocketsHttpHandler CreateTrustingHandler() => new()
    {
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = CustomRootValidation.Callback([Ca], alsoTrustSystem: false) },
    };

    public void Dispose() => Ca.Dispose();
}
