"""PyTorch side of the translation throughput comparison (bench/translate.sh, issue 19).

Trains PyTorch's nn.Transformer of the same size as TransferSharp's TranslationModel defaults on the same TSV corpus
with the same pairs, batching and loss, and prints target tokens per second of training:
  /usr/bin/python3 bench/translate/pytorch_step.py CORPUS.tsv TRAIN_DIRECTIONS EPOCHS BATCH THREADS [SEED]
Model: d=64, 2 encoder + 2 decoder layers (post-norm, ReLU), 4 heads, feed-forward 256, dropout 0.1, shared
embedding tied to the output layer, sinusoidal positions, label smoothing 0.1, Adam lr 3e-3 (cosine decay as ours): TranslationOptions' defaults.
Batches: every row in every training direction, shuffled, runs of 16 batches sorted by length (as TranslationBatches).
Prints: RESULT tokens_per_second <x> seconds <s> final_loss <l>
"""
import math, random, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

path, directions, epochs, batch, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
torch.set_num_threads(threads)
torch.manual_seed(seed)
random.seed(seed)
lines = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8") if l.strip()]
langs, rows = lines[0], lines[1:]
chars = sorted({c for r in rows for s in r for c in s})
PAD, BOS, EOS = 0, 1, 2
lang_id = {l: 4 + i for i, l in enumerate(langs)}
char_id = {c: 4 + len(langs) + i for i, c in enumerate(chars)}
V = 4 + len(langs) + len(chars)
pairs = []
for d in directions.split(","):
    s, t = d.split("-")
    si, ti = langs.index(s), langs.index(t)
    for r in rows:
        pairs.append(([lang_id[t]] + [char_id[c] for c in r[si]] + [EOS], [char_id[c] for c in r[ti]]))

class Model(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.embedding = nn.Embedding(V, d, padding_idx=PAD)
        nn.init.normal_(self.embedding.weight, 0, d ** -0.5)
        self.transformer = nn.Transformer(d, 4, 2, 2, 256, 0.1)
        pe = torch.zeros(256, d)
        pos = torch.arange(256).unsqueeze(1)
        div = torch.pow(10000.0, torch.arange(0, d, 2) / d)
        pe[:, 0::2], pe[:, 1::2] = torch.sin(pos / div), torch.cos(pos / div)
        self.register_buffer("pe", pe)
        self.scale = math.sqrt(d)
    def embed(self, ids):                     # (N, L) -> (L, N, d)
        return (self.embedding(ids) * self.scale + self.pe[: ids.shape[1]]).transpose(0, 1)
    def forward(self, src, tgt):
        causal = torch.full((tgt.shape[1], tgt.shape[1]), float("-inf")).triu(1)
        h = self.transformer(self.embed(src), self.embed(tgt), tgt_mask=causal, src_key_padding_mask=src.eq(PAD),
                             tgt_key_padding_mask=tgt.eq(PAD), memory_key_padding_mask=src.eq(PAD))
        return F.linear(h.transpose(0, 1), self.embedding.weight)

def make(items):
    n, s, t = len(items), max(len(a) for a, _ in items), max(len(b) for _, b in items) + 1
    src, inp, out = torch.zeros(n, s, dtype=torch.long), torch.zeros(n, t, dtype=torch.long), torch.zeros(n, t, dtype=torch.long)
    for i, (a, b) in enumerate(items):
        src[i, : len(a)] = torch.tensor(a)
        inp[i, 0] = BOS
        inp[i, 1 : len(b) + 1] = torch.tensor(b)
        out[i, : len(b)] = torch.tensor(b)
        out[i, len(b)] = EOS
    return src, inp, out, sum(len(b) + 1 for _, b in items)

model = Model()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
steps_per_epoch = (len(pairs) + batch - 1) // batch
total, step, tokens, loss_value = steps_per_epoch * epochs, 0, 0, float("nan")
start = time.perf_counter()
for epoch in range(epochs):
    order = list(range(len(pairs)))
    random.shuffle(order)
    batches = []
    for r in range(0, len(order), batch * 16):
        run = sorted(order[r : r + batch * 16], key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        batches += [run[b : b + batch] for b in range(0, len(run), batch)]
    random.shuffle(batches)
    for members in batches:
        for g in opt.param_groups: g["lr"] = 3e-3 * 0.5 * (1 + math.cos(math.pi * step / total))
        src, inp, out, n = make([pairs[i] for i in members])
        opt.zero_grad()
        logits = model(src, inp)
        loss = F.cross_entropy(logits.reshape(-1, V), out.reshape(-1), ignore_index=PAD, label_smoothing=0.1)
        loss.backward()
        opt.step()
        tokens += n
        step += 1
        loss_value = loss.item()
seconds = time.perf_counter() - start
print(f"RESULT tokens_per_second {tokens / seconds:.1f} seconds {seconds:.1f} final_loss {loss_value:.4f} torch {torch.__version__}")
