"""PyTorch side of the ResNet-18 workloads of bench/throughput.sh (R1 feature extraction, R2 fine-tuning step).

The same work as the C# side: torchvision's ResNet-18 (random weights), 3x224x224 inputs, batch 32, 2 intra-op
threads; R1 = no-grad forward through every stage but fc, in eval mode; R2 = train-mode step with a new 10-class fc,
cross-entropy, Adam (lr 3e-3). One warm-up run, then the median of BENCH_RUNS runs of about BENCH_SECS seconds.
Prints "ROW|name|median|min|max|peak RSS MiB|runs|".  Needs Debian python3-torch and python3-torchvision.
usage: /usr/bin/python3 peer_resnet.py r1|r2
"""
import os, resource, sys, time
import torch, torchvision

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "2")))
torch.set_num_interop_threads(1)
secs, runs = float(os.environ.get("BENCH_SECS", "4")), int(os.environ.get("BENCH_RUNS", "3"))
workload = sys.argv[1] if len(sys.argv) > 1 else "r1"
torch.manual_seed(0)
model = torchvision.models.resnet18(num_classes=1000)
batch = 32

if workload == "r1":
    trunk = torch.nn.Sequential(*list(model.children())[:-1]).eval()   # conv1 .. avgpool
    def run(n):
        x = torch.rand(n, 3, 224, 224)
        t = time.perf_counter()
        with torch.no_grad():
            feats = torch.cat([trunk(x[i:i + batch]).flatten(1) for i in range(0, n, batch)])
        return n, time.perf_counter() - t
    name = "R1 ResNet-18 features b32 224x224 (PyTorch)"
else:
    model.fc = torch.nn.Linear(512, 10)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    def run(n):
        x, y = torch.rand(n, 3, 224, 224), torch.randint(0, 10, (n,))
        t = time.perf_counter()
        for i in range(0, n, batch):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x[i:i + batch]), y[i:i + batch]).backward()
            opt.step()
        return n, time.perf_counter() - t
    name = "R2 ResNet-18 fine-tuning b32 224x224 (PyTorch)"

i, s = run(batch * 2)
n = max(batch, round(i / s * secs / batch) * batch)
rates = []
for r in range(runs):
    i, s = run(n)
    rates.append(i / s)
    print(f"  {name} run {r + 1}: {i / s:.0f} img/s", file=sys.stderr)
rates.sort()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"ROW|{name}|{rates[len(rates) // 2]:.1f}|{rates[0]:.1f}|{rates[-1]:.1f}|{peak:.0f}|{runs}|")
