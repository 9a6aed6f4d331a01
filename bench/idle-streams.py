#!/usr/bin/env python3
"""RSS of Sluice holding N slow concurrent streams (docs/benchmarks.md, "Since the last full run").

usage: bench/idle-streams.py PUBLISHED_SLUICE N [DOTNET_X=VALUE ...]   e.g. bench/idle-streams.py bench/.out/sluice/sluice 3000
Starts `sluice simulate` on CPU 0 and `sluice run` on CPU 1, warms with 200 short streams, then holds N streams of
20 tokens at 2 tokens/s and prints RSS idle, peak and after as one JSON line."""
import asyncio, os, socket, subprocess, sys, time, json, urllib.request

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def status(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "RssAnon", "VmHWM"):
            out[k] = int(v.split()[0]) / 1000.0  # MB (10^6 bytes ~ kB/1000)
    return out

CONFIG = """apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: bench, namespace: default}
spec:
  rules:
    - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: sluice-sim}]}]
      backendRefs: [{name: simulator}]
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: simulator, namespace: default}
spec:
  schema: {name: OpenAI}
  backendRef: {name: simulator, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: simulator, namespace: default}
spec:
  endpoints: [{ip: {address: 127.0.0.1, port: %d}}]
"""

BODY = b'{"model":"sluice-sim","messages":[{"role":"user","content":"Tell me a story."}],"stream":true}'

async def one_stream(port, tokens, rate, results):
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + b"x-sim-completion-tokens: %d\r\nx-sim-tokens-per-second: %g\r\nContent-Length: %d\r\n\r\n" % (tokens, rate, len(BODY)) + BODY)
        await w.drain()
        data = b""
        while b"[DONE]" not in data[-64:]:
            chunk = await r.read(65536)
            if not chunk:
                break
            data += chunk
        results.append(b"[DONE]" in data and data.count(b"data: ") >= tokens)
        w.close()
    except Exception as e:
        results.append(False)

async def wave(port, n, tokens, rate, ramp):
    results = []
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(one_stream(port, tokens, rate, results)))
        await asyncio.sleep(ramp / n)
    await asyncio.gather(*tasks)
    return sum(results)

async def sample(pid, box, stop):
    while not stop.is_set():
        s = status(pid)
        box["peak_rss"] = max(box.get("peak_rss", 0), s["VmRSS"]); box["peak_anon"] = max(box.get("peak_anon", 0), s["RssAnon"])
        await asyncio.sleep(0.25)

async def main():
    binary, n = sys.argv[1], int(sys.argv[2])
    env = dict(os.environ); env.update(a.split("=", 1) for a in sys.argv[3:])
    up, gw, adm = free_port(), free_port(), free_port()
    cfg = f"/tmp/idle-streams-{os.getpid()}.yaml"; open(cfg, "w").write(CONFIG % up)
    sim = subprocess.Popen(["taskset", "-c", "0", binary, "simulate", "--port", str(up), "--address", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gwp = subprocess.Popen(["taskset", "-c", "1", binary, "run", cfg, "--port", str(gw), "--admin-port", str(adm), "--address", "127.0.0.1", "--access-log", "off"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{adm}/ready", timeout=1); urllib.request.urlopen(f"http://127.0.0.1:{up}/health", timeout=1); break
            except Exception:
                time.sleep(0.2)
        idle = status(gwp.pid)
        ok = await wave(gw, 200, 10, 50, 1.0)  # warm-up: 200 short streams
        box, stop = {}, asyncio.Event()
        sampler = asyncio.create_task(sample(gwp.pid, box, stop))
        t = time.time()
        ok = await wave(gw, n, 20, 2, 3.0)     # n streams, a token every 500 ms, 10 s each
        took = time.time() - t
        stop.set(); await sampler
        await asyncio.sleep(5)
        after = status(gwp.pid)
        print(json.dumps({"env": sys.argv[3:], "streams": n, "completed": ok, "took_s": round(took, 1), "idle_rss": idle["VmRSS"], "idle_anon": idle["RssAnon"],
                          "peak_rss": round(box["peak_rss"], 1), "peak_anon": round(box["peak_anon"], 1), "after_5s_rss": after["VmRSS"], "vmhwm": after["VmHWM"]}))
    finally:
        gwp.terminate(); sim.terminate(); gwp.wait(); sim.wait(); os.remove(cfg)

asyncio.run(main())
