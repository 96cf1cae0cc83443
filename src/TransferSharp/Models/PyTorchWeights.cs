using System.Collections;
using TorchSharp.PyBridge;

namespace TransferSharp.Models;

/// <summary>
/// Loads PyTorch weights into our models by parameter name (torchvision's names for <c>resnet18</c>), through
/// TorchSharp.PyBridge: <c>.safetensors</c> files, and pickled state dicts (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>, <c>.ckpt</c>) only
/// when the caller opts in, since unpickling a file can run code it contains.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>True for the extensions read as pickled PyTorch state dicts.</summary>
    public static bool IsPickle(string path) => Path.GetExtension(path).ToLowerInvariant() is ".pt" or ".pth" or ".bin" or ".ckpt";

    /// <summary>True for a <c>.safetensors</c> file.</summary>
    public static bool IsSafetensors(string path) => Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>The extensions accepted, for messages.</summary>
    public const string Extensions = ".safetensors, or .pt, .pth, .bin, .ckpt (pickled)";

    /// <summary>
    /// The state dict in <paramref name="path"/>, by name (the caller disposes the tensors). A pickle-based file needs
    /// <paramref name="allowPickle"/>; anything else is refused with the reason. A file that cannot be read (garbage,
    /// truncated) gives an <see cref="InvalidDataException"/> naming it.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, bool allowPickle)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: weights file not found", path);
        if (!IsSafetensors(path) && !IsPickle(path))
            throw new InvalidDataException($"{path}: '{Path.GetExtension(path)}' is not a PyTorch weights file ({Extensions})");
        if (IsPickle(path) && !allowPickle)
            throw new InvalidDataException($"{path}: a pickled PyTorch file can run code when loaded; pass the explicit opt-in (--allow-pickle) if you trust it, or convert it to .safetensors");
        if (IsSafetensors(path)) CheckSafetensorsHeader(path);
        try
        {
            if (IsSafetensors(path)) return Safetensors.LoadStateDict(path);
            var table = PyTorchUnpickler.UnpickleStateDict(path);
            var dict = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry e in table)
                if (e.Key is string k && e.Value is Tensor t) dict[k] = t;
            return dict;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Everything the readers throw on a damaged file (zip, pickle, JSON, overflow, an allocation sized by a
            // corrupt length) ends here, with the file's name.
            throw new InvalidDataException($"{path}: cannot read the state dict: {e.Message}", e);
        }
    }

    // A .safetensors file starts with the header's length (8 bytes, little-endian) and a JSON header. Checked before
    // the reader runs, so that garbage does not make it allocate whatever length the first 8 bytes happen to give.
    private static void CheckSafetensorsHeader(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        ulong length = read >= 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head) : 0;
        if (read < 9 || length < 2 || length > (ulong)stream.Length - 8 || head[8] != (byte)'{')
            throw new InvalidDataException($"{path}: not a .safetensors file (no valid header: {stream.Length} bytes, header length {length})");
    }

    /// <summary>
    /// Copies the file's tensors into <paramref name="model"/> by name. Any missing key, unexpected key or shape
    /// mismatch fails with one message listing them (batch-norm <c>num_batches_tracked</c> counters are optional).
    /// </summary>
    public static void Load(Module<Tensor, Tensor> model, string path, bool allowPickle = false)
    {
        var state = Read(path, allowPickle);
        try
        {
            var targets = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            foreach (var (name, b) in model.named_buffers()) targets[name] = b;
            static bool Optional(string k) => k.EndsWith("num_batches_tracked", StringComparison.Ordinal);
            var missing = targets.Keys.Where(k => !state.ContainsKey(k) && !Optional(k)).ToArray();
            var unexpected = state.Keys.Where(k => !targets.ContainsKey(k) && !Optional(k)).ToArray();
            var mismatched = state.Where(kv => targets.TryGetValue(kv.Key, out var t) && !t.shape.SequenceEqual(kv.Value.shape))
                .Select(kv => $"{kv.Key} ({string.Join("x", kv.Value.shape)} in the file, {string.Join("x", targets[kv.Key].shape)} here)").ToArray();
            if (missing.Length + unexpected.Length + mismatched.Length > 0)
            {
                static string List(string what, string[] keys) => keys.Length == 0 ? "" :
                    $"{keys.Length} {what}: {string.Join(", ", keys.Take(8))}{(keys.Length > 8 ? ", ..." : "")}; ";
                throw new InvalidDataException($"{path}: the weights do not fit the model: " +
                    (List("missing keys", missing) + List("unexpected keys", unexpected) + List("shape mismatches", mismatched)).TrimEnd(' ', ';'));
            }
            if (!Training.NonFinite.AllFinite(state.Values))
                throw new InvalidDataException($"{path}: the weights hold NaN or infinite values ({string.Join(", ", Training.NonFinite.BadEntries(state))}); a model trained from them would only give NaN");
            using var noGrad = no_grad();
            foreach (var (name, value) in state)
                if (targets.TryGetValue(name, out var target)) target.copy_(value.to_type(target.dtype));
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }
}
