using System.Text;
using Sluice.Configuration.Resources;

namespace Sluice.Configuration.Parsing;

/// <summary>Secrets and ConfigMaps, with <c>aigw run</c>'s substitution annotations on Secrets.</summary>
internal static class DataResourceParsers
{
    private const string EnvAnnotation = "substitution.aigw.run/env/";
    private const string FileAnnotation = "substitution.aigw.run/file/";

    public static SecretConfig ParseSecret(ResourceMeta meta, ConfigNode root, ConfigNode? metadata, ParseContext context)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, node) in root.StringMap("data"))
        {
            try
            {
                data[key] = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            }
            catch (FormatException)
            {
                node.Error("is not valid base64 (use stringData for plain text)");
            }
        }

        foreach (var (key, value, _) in root.StringMap("stringData"))
        {
            data[key] = value;
        }

        root.String("type");
        root.Child("immutable");
        if (metadata?.Mapping("annotations") is not null)
        {
            foreach (var (annotation, value, node) in metadata.StringMap("annotations"))
            {
                if (annotation.StartsWith(EnvAnnotation, StringComparison.Ordinal))
                {
                    var key = annotation[EnvAnnotation.Length..];
                    var env = context.GetEnvironment(value);
                    if (env is null)
                    {
                        node.Error($"environment variable {value} (for key '{key}') is not set");
                    }
                    else
                    {
                        data[key] = env;
                    }
                }
                else if (annotation.StartsWith(FileAnnotation, StringComparison.Ordinal))
                {
                    var key = annotation[FileAnnotation.Length..];
                    var path = context.ResolvePath(value);
                    context.WatchedFiles.Add(path);
                    try
                    {
                        data[key] = File.ReadAllText(path).TrimEnd('\r', '\n');
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        node.Error($"cannot read file '{value}' (for key '{key}'): {ex.GetType().Name}");
                    }
                }
            }
        }

        return new SecretConfig(meta, data);
    }

    public static ConfigMapConfig ParseConfigMap(ResourceMeta meta, ConfigNode root)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, _) in root.StringMap("data"))
        {
            data[key] = value;
        }

        root.Mapping("binaryData");
        return new ConfigMapConfig(meta, data);
    }
}
