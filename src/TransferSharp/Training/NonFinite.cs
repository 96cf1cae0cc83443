using TorchSharp.Modules;

namespace TransferSharp.Training;

/// <summary>
/// Finds NaN and infinite values in parameters, gradients and loaded weights with one reduction: a float64 sum of
/// every tensor's float64 sum is non-finite exactly when some element is (float32 values cannot overflow a float64
/// sum), so a healthy model costs one scalar read; only a bad one is searched tensor by tensor for the message.
/// </summary>
internal static class NonFinite
{
    /// <summary>True when every element of every tensor is finite.</summary>
    public static bool AllFinite(IEnumerable<Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sums = tensors.Where(t => t.is_floating_point()).Select(t => t.sum(ScalarType.Float64)).ToArray();
        return sums.Length == 0 || double.IsFinite(stack(sums).sum().item<double>());
    }

    /// <summary>The gradients the last backward pass left on <paramref name="parameters"/> (null ones skipped).</summary>
    public static bool GradientsFinite(IEnumerable<Parameter> parameters) =>
        AllFinite(parameters.Select(p => p.grad).Where(g => g is not null && !g.IsInvalid)!);

    /// <summary>The names of the state-dict entries holding a NaN or an infinity (at most <paramref name="limit"/>).</summary>
    public static IReadOnlyList<string> BadEntries(IEnumerable<KeyValuePair<string, Tensor>> state, int limit = 3)
    {
        var bad = new List<string>();
        foreach (var (name, t) in state)
        {
            if (!AllFinite([t])) bad.Add(name);
            if (bad.Count == limit) break;
        }
        return bad;
    }

    /// <summary>Throws when <paramref name="model"/>'s weights (parameters and buffers) hold a NaN or an infinity.</summary>
    /// <exception cref="InvalidDataException">Names <paramref name="source"/> and the first bad entries.</exception>
    public static void RequireFiniteWeights(Module model, string source)
    {
        var state = model.state_dict();
        if (AllFinite(state.Values)) return;
        throw new InvalidDataException(
            $"{source}: the weights hold NaN or infinite values ({string.Join(", ", BadEntries(state))}); a model trained from them would only give NaN");
    }
}
