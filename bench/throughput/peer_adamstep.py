"""PyTorch side of `Throughput.dll adamstep`: Adam.step() alone on the W3 autoencoder's parameters, µs per step."""
import time, torch
torch.set_num_threads(2)
net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64), torch.nn.ReLU(),
                          torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 784))
for p in net.parameters(): p.grad = torch.randn_like(p)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
def block():
    s = time.perf_counter()
    for _ in range(200): opt.step()
    return (time.perf_counter() - s) * 1e6 / 200
block()
t = sorted(block() for _ in range(5))
print(f"ADAMSTEP|PyTorch {torch.__version__} Adam {t[2]:.0f} us (min {t[0]:.0f}, max {t[-1]:.0f})")
