"""Peak resident memory of `donthu serve` while 4 uploads of SIZE MB arrive at once: python bench/upload_memory.py REPO SIZE_MB (REPO: a checkout, e.g. an exported main)"""
import os, re, subprocess, sys, tempfile, threading, time
from pathlib import Path
import httpx
repo, size = Path(sys.argv[1]), int(sys.argv[2])
tmp = Path(tempfile.mkdtemp())
log = tmp / "serve.log"
env = {**os.environ, "PYTHONPATH": str(repo), "DONTHU_WORKERS": "1"}
proc = subprocess.Popen([sys.executable, "-m", "donthu.cli", "--data-dir", str(tmp / "data"), "serve", "--port", "0"],
                        stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=repo, env=env)
for _ in range(600):
    m = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", log.read_text())
    if m: break
    time.sleep(0.2)
base = f"http://127.0.0.1:{m[1]}"
def rss(field):
    return int(re.search(rf"{field}:\s+(\d+)", Path(f"/proc/{proc.pid}/status").read_text())[1]) / 1024
start = rss("VmRSS")
payload = os.urandom(size << 20)
codes = []
def send(i):
    r = httpx.post(f"{base}/documents", files={"file": (f"f{i}.bin", payload[:-1] + bytes([i]), "application/octet-stream")}, timeout=600)
    codes.append(r.status_code)
threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
print(f"{repo.name}: 4 x {size} MB at once -> {sorted(codes)}; server RSS {start:.0f} MB at start, peak {rss('VmHWM'):.0f} MB")
proc.terminate(); proc.wait(60)
