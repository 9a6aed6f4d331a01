#!/usr/bin/env bash
# Native AOT smoke test: publishes Sluice with PublishAot and drives the native binary end to end against its own
# simulator (`sluice simulate`, also native): OpenAI passthrough, Azure OpenAI with an Entra ID token from
# Azure.Identity's managed identity, AWS Bedrock (Converse, SigV4, event stream), client API keys, JWT client auth
# with a remote JWKS, a token rate limit counted in a real redis-server, a CEL cost, OTLP export of spans and
# metrics, the access log, /metrics, bad input and a config error. The unit and functional tests run the JIT
# build; this keeps the trimmed, ahead-of-time compiled build honest (reflection the trimmer removed fails only
# here).
#
#   test/native-aot-smoke.sh              publish to a temp dir, then test
#   test/native-aot-smoke.sh --no-publish test the binary already in $SLUICE_AOT (default bench/.out/sluice-aot/sluice)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "native-aot-smoke: FAILED: $*" >&2
  for log in "$work"/*.log; do
    [[ -f $log ]] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  done
  exit 1
}

sluice="${SLUICE_AOT:-$repo/bench/.out/sluice-aot/sluice}"
if [[ ${1:-} != --no-publish ]]; then
  sluice="$work/publish/sluice"
  echo "native-aot-smoke: publishing with PublishAot"
  dotnet publish "$repo/src/Sluice" -c Release -r linux-x64 -p:PublishAot=true -o "$work/publish" \
    --artifacts-path "$work/artifacts" --nologo -v q >"$work/publish.log" 2>&1 || fail "dotnet publish -p:PublishAot=true"
fi
[[ -x $sluice ]] || fail "no native sluice at $sluice"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
upstream=$(free_port)
port=$(free_port)
admin=$(free_port)

"$sluice" simulate --port "$upstream" --address 127.0.0.1 >"$work/simulator.log" 2>&1 &
pids+=($!)

# The rate limit below keeps its counters in a real redis-server (StackExchange.Redis and its Lua scripts under
# Native AOT), failing closed so that a Redis client broken by trimming shows as 503s, not as uncounted requests.
redis=$(free_port)
command -v redis-server >/dev/null || fail "redis-server is not installed (./test.sh installs it)"
redis-server --port "$redis" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  redis-cli -p "$redis" ping >/dev/null 2>&1 && break
  sleep 0.1
done

# JWT client authentication with a remote JWKS (Microsoft.IdentityModel under Native AOT): an RSA key made with
# openssl, its JWKS served over loopback HTTP, and a token signed with it.
jwks=$(free_port)
python3 - "$work" <<'PY' || fail "could not make the JWT test key"
import base64, json, subprocess, sys, time
work = sys.argv[1]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
subprocess.run(["openssl", "genrsa", "-out", f"{work}/jwt.pem", "2048"], check=True, capture_output=True)
modulus = subprocess.run(["openssl", "rsa", "-in", f"{work}/jwt.pem", "-noout", "-modulus"], check=True, capture_output=True, text=True).stdout
n = bytes.fromhex(modulus.strip().split("=", 1)[1])
json.dump({"keys": [{"kty": "RSA", "kid": "smoke", "use": "sig", "alg": "RS256", "n": b64(n), "e": "AQAB"}]}, open(f"{work}/jwks.json", "w"))
header = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "smoke"}).encode())
claims = b64(json.dumps({"iss": "https://idp.smoke.example", "aud": "sluice-smoke", "sub": "smoke-user", "exp": int(time.time()) + 600}).encode())
signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", f"{work}/jwt.pem"], input=f"{header}.{claims}".encode(), check=True, capture_output=True).stdout
open(f"{work}/token", "w").write(f"{header}.{claims}.{b64(signature)}")
PY
python3 -m http.server "$jwks" --bind 127.0.0.1 --directory "$work" >"$work/jwks.log" 2>&1 &
pids+=($!)

# An OTLP/HTTP collector stand-in that keeps every export it receives (OpenTelemetry's exporters under Native AOT).
otlp=$(free_port)
mkdir -p "$work/otlp"
python3 - "$otlp" "$work/otlp" >"$work/otlp.log" 2>&1 <<'PY' &
import http.server, itertools, sys
count = itertools.count()
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        name = self.path.strip("/").replace("/", "-")
        open(f"{sys.argv[2]}/{next(count):04d}-{name}.bin", "wb").write(body)
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
pids+=($!)

backend() { # name port
  printf -- '---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: Backend\nmetadata: {name: %s, namespace: default}\nspec:\n  endpoints: [{ip: {address: 127.0.0.1, port: %s}}]\n' "$1" "$2"
}
{
  cat <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: smoke, namespace: default}
spec:
  gatewayClassName: sluice
  listeners: [{name: http, protocol: HTTP, port: 1975}]
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: smoke, namespace: default}
spec:
  parentRefs: [{name: smoke, kind: Gateway, group: gateway.networking.k8s.io}]
  rules:
    - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: openai-sim}]}]
      backendRefs: [{name: openai}]
    - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: azure-sim}]}]
      backendRefs: [{name: azure}]
    - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: bedrock-sim}]}]
      backendRefs: [{name: bedrock}]
  llmRequestCosts:
    - {metadataKey: llm_total_token, type: TotalToken}
    - {metadataKey: weighted, type: CEL, cel: "backend == 'openai.default' ? input_tokens + output_tokens * 4u : uint(size(model))"}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: openai, namespace: default}
spec:
  schema: {name: OpenAI}
  backendRef: {name: openai, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: azure, namespace: default}
spec:
  schema: {name: AzureOpenAI, version: 2025-01-01-preview}
  backendRef: {name: azure, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: BackendSecurityPolicy
metadata: {name: azure-entra, namespace: default}
spec:
  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: azure}]
  type: AzureCredentials
  azureCredentials: {clientID: smoke-client, tenantID: smoke-tenant}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: bedrock, namespace: default}
spec:
  schema: {name: AWSBedrock}
  backendRef: {name: bedrock, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: BackendSecurityPolicy
metadata: {name: bedrock-aws, namespace: default}
spec:
  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: bedrock}]
  type: AWSCredentials
  awsCredentials:
    region: us-east-1
    credentialsFile: {secretRef: {name: aws-credentials}}
---
apiVersion: v1
kind: Secret
metadata: {name: aws-credentials, namespace: default}
stringData:
  credentials: |
    [default]
    aws_access_key_id = AKIDSMOKEEXAMPLE
    aws_secret_access_key = smoke-secret-key-not-real
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: client-keys, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: smoke}]
  apiKeyAuth:
    credentialRefs: [{group: "", kind: Secret, name: client-keys}]
    extractFrom: [{headers: [Authorization]}]
---
apiVersion: v1
kind: Secret
metadata: {name: client-keys, namespace: default}
stringData:
  smoke: sk-smoke-client
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: token-budget, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: smoke}]
  rateLimit:
    type: Global
    global:
      rules:
        - clientSelectors: [{headers: [{name: x-tenant, type: Distinct}]}]
          limit: {requests: 1000000, unit: Hour}
          cost:
            request: {from: Number, number: 0}
            response: {from: Metadata, metadata: {namespace: io.envoy.ai_gateway, key: llm_total_token}}
YAML
  cat <<YAML
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: jwt, namespace: default}
spec:
  parentRefs: [{name: smoke, kind: Gateway, group: gateway.networking.k8s.io}]
  rules:
    - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: jwt-sim}]}]
      backendRefs: [{name: openai}]
  llmRequestCosts: [{metadataKey: llm_total_token, type: TotalToken}] # the Gateway's token budget charges it
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: corp-jwt, namespace: default}
spec:
  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIGatewayRoute, name: jwt}]
  jwt:
    providers:
      - name: smoke-idp
        issuer: https://idp.smoke.example
        audiences: [sluice-smoke]
        remoteJWKS: {uri: "http://127.0.0.1:$jwks/jwks.json"}
YAML
  backend openai "$upstream"
  backend azure "$upstream"
  backend bedrock "$upstream"
} >"$work/smoke.yaml"

OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
OTEL_METRIC_EXPORT_INTERVAL=500 OTEL_BSP_SCHEDULE_DELAY=200 \
IDENTITY_ENDPOINT="http://127.0.0.1:$upstream/msi/token" IDENTITY_HEADER=smoke-identity-header \
  "$sluice" run "$work/smoke.yaml" --port "$port" --admin-port "$admin" --address 127.0.0.1 \
  --access-log "$work/access.jsonl" --rate-limit-redis "127.0.0.1:$redis" --rate-limit-failure-mode closed \
  >"$work/sluice.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$admin/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$admin/ready" >/dev/null || fail "sluice did not become ready"

chat() { # model stream -> writes $work/out, prints the status code
  curl -s -o "$work/out" -D "$work/headers" -w '%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" \
    -H 'content-type: application/json' -H 'authorization: Bearer sk-smoke-client' -H 'x-tenant: smoke' \
    -d "{\"model\":\"$1\",\"stream\":$2,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"
}
for model in openai-sim azure-sim bedrock-sim; do
  [[ $(chat "$model" false) == 200 ]] || fail "$model: non-streamed request: $(head -c 300 "$work/out")"
  grep -q '"total_tokens"' "$work/out" || fail "$model: no usage in $(head -c 300 "$work/out")"
  [[ $(chat "$model" true) == 200 ]] || fail "$model: streamed request: $(head -c 300 "$work/out")"
  [[ $(tail -n 2 "$work/out" | head -n 1) == 'data: [DONE]' ]] || fail "$model: the stream does not end with [DONE]"
  grep -q '"total_tokens"' "$work/out" || fail "$model: no usage in the stream"
done
chat azure-sim false >/dev/null
grep -qi '^x-sim-saw-credential: issued-token' "$work/headers" || fail "azure-sim: the upstream did not see the Entra ID token"
chat bedrock-sim false >/dev/null
grep -qi '^x-sim-saw-credential: aws-sigv4' "$work/headers" || fail "bedrock-sim: the upstream did not see a SigV4 signature"

status=$(curl -s -o "$work/out" -w '%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model":"openai-sim","messages":[]}')
[[ $status == 401 ]] && grep -q '"code":"missing_api_key"' "$work/out" || fail "no API key: expected 401 missing_api_key, got $status $(cat "$work/out")"
status=$(curl -s -o "$work/out" -w '%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
  -H 'authorization: Bearer sk-smoke-client' -d '{"model": ')
[[ $status == 400 ]] && grep -q '"error"' "$work/out" || fail "malformed JSON: expected 400 in the error envelope, got $status $(cat "$work/out")"
curl -sf "http://127.0.0.1:$admin/metrics" | grep -q '^gen_ai_client_token_usage_bucket' || fail "/metrics has no gen_ai_client_token_usage"
jwt_chat() { # token -> prints the status code
  curl -s -o "$work/out" -w '%{http_code}' "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
    -H "authorization: Bearer $1" -d '{"model":"jwt-sim","messages":[{"role":"user","content":"Hello"}]}'
}
token=$(cat "$work/token")
status=$(jwt_chat "$token")
[[ $status == 200 ]] || fail "a valid JWT (keys from the remote JWKS): expected 200, got $status $(cat "$work/out")"
status=$(jwt_chat "${token%?????}AAAAA")
[[ $status == 401 ]] || fail "a JWT with a broken signature: expected 401, got $status $(cat "$work/out")"
status=$(jwt_chat sk-smoke-client)
[[ $status == 401 ]] || fail "an API key on the JWT route: expected 401, got $status $(cat "$work/out")"
completed() { grep -c '"outcome":"Completed"' "$work/access.jsonl" 2>/dev/null || true; }
for _ in $(seq 40); do # the access log writes in 50 ms batches; a busy CI machine may take longer
  [[ $(completed) -ge 8 ]] && break
  sleep 0.05
done
[[ $(completed) -ge 8 ]] || fail "the access log lacks the completed requests ($(completed) of 8)"
grep -q "sk-smoke-client\|smoke-secret-key\|${token:0:40}" "$work/access.jsonl" "$work/sluice.log" && fail "a secret appears in the access log or the log"
keys=$(redis-cli -p "$redis" --scan | wc -l)
[[ $keys -ge 1 ]] || fail "the rate limit left no counters in Redis"

exported() { ls "$work/otlp" | grep -c -- "-$1.bin" || true; }
for _ in $(seq 40); do
  [[ $(exported v1-traces) -ge 1 && $(exported v1-metrics) -ge 1 ]] && break
  sleep 0.1
done
[[ $(exported v1-traces) -ge 1 ]] || fail "no spans were exported over OTLP"
[[ $(exported v1-metrics) -ge 1 ]] || fail "no metrics were exported over OTLP"
grep -aq 'gen_ai.usage.input_tokens' "$work"/otlp/*-v1-traces.bin || fail "the exported spans lack gen_ai.usage.input_tokens"
grep -aq 'gen_ai.client.token.usage' "$work"/otlp/*-v1-metrics.bin || fail "the exported metrics lack gen_ai.client.token.usage"
grep -aq "sk-smoke-client\|smoke-secret-key\|smoke-identity-header\|${token:0:40}" "$work"/otlp/*.bin && fail "a secret was exported over OTLP"

# The CEL cost (TELUS's interpreter, which the trimmer must leave working): input + 4 x output on OpenAI, else the
# length of the model name.
python3 - "$work/access.jsonl" <<'PY' || fail "the CEL cost is wrong in the access log: $(grep -m1 openai-sim "$work/access.jsonl")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"Completed"' in l and '"route":"default/smoke"' in l]
assert len(lines) >= 8, len(lines)
for l in lines:
    u, cost = l, l["costs"]["weighted"]
    expected = u["gen_ai.usage.input_tokens"] + 4 * u["gen_ai.usage.output_tokens"] if l["backend"] == "default/openai" else len(l["gen_ai.request.model"])
    assert cost == expected, (cost, expected, l)
PY

# A stream the upstream cuts after 3 words: its usage is estimated with the o200k token counter, whose vocabulary
# the trimmed build must still find (a data package's embedded resource, looked up by type name).
curl -s -o "$work/out" "http://127.0.0.1:$port/v1/chat/completions" -H 'content-type: application/json' \
  -H 'authorization: Bearer sk-smoke-client' -H 'x-tenant: smoke' -H 'x-sim-break-after: 3' \
  -d '{"model":"openai-sim","stream":true,"messages":[{"role":"user","content":"Hello"}]}' || true
estimated() { grep '"gen_ai.usage.estimated":true' "$work/access.jsonl" 2>/dev/null || true; }
for _ in $(seq 40); do
  [[ -n $(estimated) ]] && break
  sleep 0.05
done
estimated | grep -q '"gen_ai.usage.output_tokens":3,' || fail "a cut stream's usage was not estimated: $(tail -n 1 "$work/access.jsonl")"

printf 'apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIGatewayRoute\nmetadata: {name: broken}\nspec:\n  rules: 5\n' >"$work/broken.yaml"
if "$sluice" run "$work/broken.yaml" --port 0 --admin-port 0 >"$work/broken.log" 2>&1; then
  fail "a broken config was served"
fi
grep -q 'broken.yaml:5: AIGatewayRoute default/broken: spec.rules' "$work/broken.log" || fail "the config error does not name file, line, resource and field: $(cat "$work/broken.log")"

echo "native-aot-smoke: passed (OpenAI, Azure OpenAI with Entra ID, Bedrock with SigV4; keys, JWT with remote JWKS, rate limit in Redis, CEL cost, OTLP export, access log, a cut stream's estimate, metrics, bad input, config errors)"
