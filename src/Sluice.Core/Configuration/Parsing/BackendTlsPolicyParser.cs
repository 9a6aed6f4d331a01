using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

internal static class BackendTlsPolicyParser
{
    public static BackendTlsPolicyConfig Parse(ResourceMeta meta, ConfigNode spec)
    {
        var targetRefs = CommonParsers.TargetRefs(spec);
        var validation = spec.Mapping("validation");
        var system = false;
        var caRefs = new List<ObjectRef>();
        string? hostname = null;
        if (validation is null)
        {
            spec.Diagnostics.Error(spec.LocationOf("validation"), "is required");
        }
        else
        {
            if (validation.String("wellKnownCACertificates") is { } wellKnown)
            {
                if (wellKnown == "System")
                {
                    system = true;
                }
                else
                {
                    validation.Diagnostics.Error(validation.LocationOf("wellKnownCACertificates"), $"'{wellKnown}' must be System");
                }
            }

            foreach (var item in validation.Items("caCertificateRefs"))
            {
                if (CommonParsers.ObjectRef(item) is { } r)
                {
                    caRefs.Add(r);
                }
            }

            hostname = validation.String("hostname");
            if (!system && caRefs.Count == 0)
            {
                validation.Error("needs wellKnownCACertificates: System or caCertificateRefs");
            }

            validation.WarnUnread();
        }

        spec.WarnUnread();
        return new BackendTlsPolicyConfig(meta, targetRefs, system, caRefs, hostname);
    }
}
