using Sluice.Configuration.Validation;
using Sluice.TestSupport;

namespace Sluice.ClientAuth;

/// <summary>SecurityPolicy parsing and compilation: what is accepted, and errors with file, line, resource and field.</summary>
public sealed class SecurityPolicyConfigTests : IDisposable
{
    private const string Gateway = """

        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: eg}
        spec:
          gatewayClassName: eg
          listeners: [{name: http, protocol: HTTP, port: 1975}]
        """;

    private const string Keys = """

        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: client-keys}
        stringData:
          team-a: key-a
          team-b: key-b
        """;

    private readonly ConfigFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static string Policy(string spec, string? annotations = null) => $"""

        ---
        apiVersion: gateway.envoyproxy.io/v1alpha1
        kind: SecurityPolicy
        metadata:
          name: clients
        {(annotations is null ? string.Empty : "  annotations:\n" + Indent(annotations, 4))}
        spec:
        {Indent(spec, 2)}
        """;

    private static string Indent(string text, int spaces) => string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));

    [Fact]
    public void Load_ApiKeyPolicyOnTheGateway_CompilesOnePolicyForEveryRoute()
    {
        var yaml = Yaml.Minimal() + Gateway + Keys + Policy("""
            targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg}]
            apiKeyAuth:
              credentialRefs: [{group: "", kind: Secret, name: client-keys}]
              extractFrom: [{headers: [x-api-key, Authorization]}]
              forwardClientIDHeader: x-client-id
              sanitize: true
            """);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertNoErrors(diagnostics);
        var access = snapshot!.ClientAccess;
        Assert.True(access.AuthenticatesBeforeRouting);
        Assert.Equal(2, access.Gateway!.ApiKey!.KeyCount);
        Assert.Equal(["x-api-key", "Authorization", "x-client-id"], access.Gateway.RemovedHeaders);
        Assert.Same(access.Gateway, access.For("default/chat"));
    }

    [Fact]
    public void Load_PolicyOnTheRouteAsHTTPRoute_AppliesToThatRouteOnly()
    {
        var yaml = Yaml.Minimal() + Keys + Policy("""
            targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
            """);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.False(snapshot!.ClientAccess.AuthenticatesBeforeRouting);
        Assert.NotNull(snapshot.ClientAccess.For("default/chat"));
        Assert.Null(snapshot.ClientAccess.For("default/other"));
    }

    [Fact]
    public void Load_ApiKeyAuthWithoutExtractFrom_ReportsFileLineResourceAndField()
    {
        var yaml = Yaml.Minimal() + Keys + Policy("""
            targetRefs: [{kind: AIGatewayRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
            """);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        var error = Assert.Single(ConfigFixture.Errors(diagnostics));
        Assert.Contains("/routes.yaml:55: SecurityPolicy default/clients: spec.apiKeyAuth.extractFrom: is required", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oidc: {clientID: x}", "spec.oidc: oidc is not supported yet")]
    [InlineData("basicAuth: {users: {name: u}}", "spec.basicAuth: basicAuth is not supported yet")]
    [InlineData("extAuth: {http: {}}", "spec.extAuth: extAuth is not supported yet")]
    [InlineData("cors: {allowOrigins: ['*']}", "spec.cors: cors is not supported yet")]
    [InlineData("authorization: {defaultAction: Deny}", "spec.authorization: authorization is not supported yet")]
    public void Load_UnsupportedSection_SaysNotSupportedYet(string section, string expected)
    {
        var yaml = Yaml.Minimal() + Policy("targetRefs: [{kind: HTTPRoute, name: chat}]\n" + section);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, $"SecurityPolicy default/clients: {expected}");
    }

    [Fact]
    public void Load_QueryParamsAndCookies_AreNotSupportedYet()
    {
        var yaml = Yaml.Minimal() + Keys + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}, {params: [key]}]
            """);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "spec.apiKeyAuth.extractFrom[1].params: params are not supported yet (use headers)");
    }

    [Fact]
    public void Load_MissingReferences_AreErrors()
    {
        var yaml = Yaml.Minimal() + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chta}, {kind: Gateway, name: eg}]
            apiKeyAuth:
              credentialRefs: [{name: no-such-secret}]
              extractFrom: [{headers: [x-api-key]}]
            """);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, "spec.targetRefs[0].name: AIGatewayRoute \"chta\" not found in namespace default");
        ConfigFixture.AssertHasError(diagnostics, "spec.targetRefs[1].name: Gateway \"eg\" not found in namespace default");
        ConfigFixture.AssertHasError(diagnostics, "spec.apiKeyAuth.credentialRefs[0].name: Secret \"no-such-secret\" not found in namespace default");
    }

    [Fact]
    public void Load_WrongTargetKindAndSectionName_AreErrors()
    {
        var yaml = Yaml.Minimal() + Keys + Policy("""
            targetRefs: [{kind: Service, name: chat}, {kind: HTTPRoute, name: chat, sectionName: rule-1}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
            """);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "spec.targetRefs[0].kind: kind Service: target a Gateway");
        ConfigFixture.AssertHasError(diagnostics, "spec.targetRefs[1].sectionName: targeting one rule (sectionName) is not supported yet");
    }

    [Fact]
    public void Load_TwoPoliciesOnTheGateway_IsAnError()
    {
        var policy = Policy("""
            targetRefs: [{kind: Gateway, name: eg}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
            """);
        var yaml = Yaml.Minimal() + Gateway + Keys + policy + policy.Replace("name: clients", "name: clients-2", StringComparison.Ordinal);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "SecurityPolicy default/clients-2: spec.targetRefs[0].name: SecurityPolicy default/clients already targets the Gateway");
    }

    [Fact]
    public void Load_TwoClientsWithTheSameKey_IsAnErrorThatDoesNotShowTheKey()
    {
        var yaml = Yaml.Minimal() + """

            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: client-keys}
            stringData: {team-a: sk-shared-secret, team-b: sk-shared-secret}
            """ + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
            """);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "clients 'team-a' and 'team-b' have the same API key");
        Assert.DoesNotContain(diagnostics, d => d.ToString().Contains("sk-shared-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_JwtProviderKeys_MustBeExactlyOneOfRemoteOrLocal()
    {
        var yaml = Yaml.Minimal() + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chat}]
            jwt:
              providers:
                - name: none
                  issuer: https://issuer.test
                - name: both
                  remoteJWKS: {uri: https://issuer.test/jwks}
                  localJWKS: {type: Inline, inline: "{}"}
                - name: bad-uri
                  remoteJWKS: {uri: "not a url"}
            """);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "spec.jwt.providers[0]: remoteJWKS or localJWKS is required");
        ConfigFixture.AssertHasError(diagnostics, "spec.jwt.providers[1]: set remoteJWKS or localJWKS, not both");
        ConfigFixture.AssertHasError(diagnostics, "spec.jwt.providers[2].remoteJWKS.uri: 'not a url' must be an https URL");
    }

    [Fact]
    public void Load_InlineJwksThatIsNotAKeySet_IsAnErrorAtItsLine()
    {
        var yaml = Yaml.Minimal() + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chat}]
            jwt:
              providers:
                - name: local
                  localJWKS:
                    type: Inline
                    inline: '{"keys": "nope"'
            """);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "routes.yaml:52: SecurityPolicy default/clients: spec.jwt.providers[0].localJWKS.inline: JWT provider 'local': the local JWKS is not a JSON Web Key Set");
    }

    [Fact]
    public void Load_LocalJwksFromAConfigMap_ReadsItsJwksKey()
    {
        using var issuer = new TestJwtIssuer();
        var yaml = Yaml.Minimal() + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chat}]
            jwt:
              providers:
                - name: local
                  localJWKS: {type: ValueRef, valueRef: {group: "", kind: ConfigMap, name: jwks}}
            """) + $$"""

            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: jwks}
            data:
              jwks: '{{issuer.JwksJson}}'
            """;

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertNoErrors(diagnostics);
        Assert.Single(snapshot!.ClientAccess.For("default/chat")!.Jwt!.Providers);
    }

    [Fact]
    public void Load_AllowedModelsAnnotation_ReportsProblemsAtTheirLineInTheFile()
    {
        var yaml = Yaml.Minimal() + Keys + Policy(
            """
            targetRefs: [{kind: HTTPRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
            """,
            """
            sluice.io/allowed-models: |
              clientIDs:
                team-a: [gpt-4o-mini]
                team-c: gpt-4o
              jwtClaim: {name: groups, values: {admins: ["*"]}}
            """);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.Null(snapshot);
        ConfigFixture.AssertHasError(diagnostics, "routes.yaml:55: SecurityPolicy default/clients: metadata.annotations[sluice.io/allowed-models].clientIDs.team-c: must be a list of model names");
        ConfigFixture.AssertHasError(diagnostics, "routes.yaml:56: SecurityPolicy default/clients: metadata.annotations[sluice.io/allowed-models].jwtClaim: jwtClaim selects models by a token claim, and this SecurityPolicy has no jwt");
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("client 'team-c'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_AllowedModelsAnnotationThatIsNotYaml_IsAnError()
    {
        var yaml = Yaml.Minimal() + Keys + Policy(
            """
            targetRefs: [{kind: HTTPRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
            """,
            """
            sluice.io/allowed-models: "clientIDs: {team-a: [gpt"
            """);

        var (_, diagnostics) = _fixture.Load(yaml);

        ConfigFixture.AssertHasError(diagnostics, "metadata.annotations[sluice.io/allowed-models]: is not valid YAML");
    }

    [Fact]
    public void Load_SanitizeFalse_WarnsThatKeysAreAlwaysRemoved()
    {
        var yaml = Yaml.Minimal() + Keys + Policy("""
            targetRefs: [{kind: HTTPRoute, name: chat}]
            apiKeyAuth:
              credentialRefs: [{name: client-keys}]
              extractFrom: [{headers: [x-api-key]}]
              sanitize: false
            """);

        var (snapshot, diagnostics) = _fixture.Load(yaml);

        Assert.NotNull(snapshot);
        Assert.Contains(diagnostics, d => d.Severity == DiagnosticSeverity.Warning && d.ToString().Contains("spec.apiKeyAuth.sanitize: false has no effect", StringComparison.Ordinal));
    }
}
