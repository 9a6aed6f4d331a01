using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace Sluice.Auth.Aws;

/// <summary>
/// credentialsFile: the AWS credentials file held in a Secret (key <c>credentials</c>), read by the SDK's own
/// parser. The SDK reads files, not strings, so the text goes to a private temporary file (mode 600) for the parse
/// and is deleted right after. A changed file reloads the config (Secret files are watched), which reads it again.
/// </summary>
internal static class AwsProfileCredentials
{
    public static AWSCredentials? Read(string fileText, string profile, out string? error)
    {
        error = null;
        var path = Path.Combine(Path.GetTempPath(), "sluice-aws-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(fileText);
            }

            SharedCredentialsFile file;
            try
            {
                file = new SharedCredentialsFile(path);
            }
            catch (InvalidDataException)
            {
                // The SDK's message quotes the offending line, which may hold a secret: say what is expected instead.
                error = "is not an AWS credentials file: expected [profile] sections of key = value lines (aws_access_key_id, aws_secret_access_key)";
                return null;
            }

            if (!file.TryGetProfile(profile, out var found))
            {
                var names = file.ListProfileNames();
                error = names.Count == 0
                    ? "holds no profile: expected an AWS credentials file such as [default] aws_access_key_id = ... aws_secret_access_key = ..."
                    : $"has no profile '{profile}' (profiles: {string.Join(", ", names)})";
                return null;
            }

            if (!AWSCredentialsFactory.TryGetAWSCredentials(found, file, out var credentials))
            {
                error = $"profile '{profile}' does not hold credentials Sluice can use (aws_access_key_id and aws_secret_access_key, optionally aws_session_token)";
                return null;
            }

            return credentials;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
