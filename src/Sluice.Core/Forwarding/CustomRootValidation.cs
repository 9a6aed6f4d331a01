using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Forwarding;

/// <summary>TLS server validation against a private CA bundle (BackendTLSPolicy caCertificateRefs).</summary>
internal static class CustomRootValidation
{
    public static RemoteCertificateValidationCallback Callback(X509Certificate2Collection roots, bool alsoTrustSystem) =>
        (_, certificate, _, errors) => Validate(certificate, errors, roots, alsoTrustSystem);

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots, bool alsoTrustSystem)
    {
        if (errors == SslPolicyErrors.None && alsoTrustSystem)
        {
            return true;
        }

        // SslStream has already checked the name against TargetHost; only the chain is judged here.
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
