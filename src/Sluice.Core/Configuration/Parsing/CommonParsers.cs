using System.Text.Json;
using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

/// <summary>Field shapes shared by several kinds: object references and header/body mutations.</summary>
internal static class CommonParsers
{
    public static ObjectRef? ObjectRef(ConfigNode? node, bool nameRequired = true)
    {
        if (node is null)
        {
            return null;
        }

        var name = node.String("name", required: nameRequired);
        var reference = new ObjectRef(
            name ?? string.Empty,
            node.String("namespace"),
            node.String("kind"),
            node.String("group"),
            node.LocationOf("name"));
        node.Int("port");
        node.String("sectionName");
        node.WarnUnread();
        return name is null ? null : reference;
    }

    public static IReadOnlyList<ObjectRef> TargetRefs(ConfigNode spec, string key = "targetRefs")
    {
        var refs = new List<ObjectRef>();
        foreach (var item in spec.Items(key))
        {
            if (ObjectRef(item) is { } r)
            {
                refs.Add(r);
            }
        }

        return refs;
    }

    public static HeaderMutationConfig? HeaderMutation(ConfigNode owner)
    {
        var node = owner.Mapping("headerMutation");
        if (node is null)
        {
            return null;
        }

        var set = new List<HeaderSetConfig>();
        foreach (var item in node.Items("set"))
        {
            var name = item.String("name", required: true);
            var value = item.String("value") ?? string.Empty;
            item.WarnUnread();
            if (name is not null)
            {
                set.Add(new HeaderSetConfig(name, value));
            }
        }

        var remove = node.Strings("remove");
        node.WarnUnread();
        return new HeaderMutationConfig(set, remove);
    }

    public static BodyMutationConfig? BodyMutation(ConfigNode owner)
    {
        var node = owner.Mapping("bodyMutation");
        if (node is null)
        {
            return null;
        }

        var set = new List<BodySetConfig>();
        foreach (var item in node.Items("set"))
        {
            var path = item.String("path", required: true);
            var value = item.String("value", required: true);
            item.WarnUnread();
            if (path is null || value is null)
            {
                continue;
            }

            if (path.Contains('.', StringComparison.Ordinal))
            {
                item.Diagnostics.Error(item.LocationOf("path"), $"'{path}': only top-level fields can be set (no '.')");
                continue;
            }

            if (!IsJson(value))
            {
                item.Diagnostics.Error(item.LocationOf("value"), "must be JSON text, e.g. 0.7, \"text\" (with the quotes), true or {\"a\":1}");
                continue;
            }

            set.Add(new BodySetConfig(path, value, item.Location));
        }

        var remove = node.Strings("remove");
        node.WarnUnread();
        return new BodyMutationConfig(set, remove);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
