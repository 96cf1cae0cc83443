"""PyTorch side of `Throughput.dll gemmshapes`: the large matrix products of a W3 step, µs each (median of 5 x 50)."""
import time, torch
torch.set_num_threads(2)
for name, m, k, n in [("x(256x784)·W(784x256)", 256, 784, 256), ("g(256x256)·W(256x784)", 256, 256, 784), ("gᵀ(256x256)·x(256x784)", 256, 256, 784)]:
    a, b = torch.rand(m, k), torch.rand(k, n)
    for _ in range(20): a.mm(b)
    t = []
    for _ in range(5):
        s = time.perf_counter()
        for _ in range(50): a.mm(b)
        t.append((time.perf_counter() - s) * 1e6 / 50)
    t.sort()
    print(f"GEMM|{name}|{t[2]:.0f} us|{2 * m * k * n / t[2] / 1e3:.0f} GFLOP/s")
