using TransferSharp.Training;

namespace TransferSharp.Translation;

/// <summary>
/// Beam decoding of one sentence: keep the <c>beam</c> most probable prefixes at every position instead of the single
/// most probable character (greedy), and return the finished hypothesis with the best length-normalised log-probability
/// (Wu et al. 2016, GNMT: score / length^α; α = 0 compares raw log-probabilities, which favours short outputs).
/// </summary>
internal static class BeamSearch
{
    /// <summary>
    /// The output ids (after <c>&lt;bos&gt;</c>, up to and including <c>&lt;eos&gt;</c> when it was written) of one
    /// sentence encoded as <paramref name="memory"/> <c>(S, 1, d)</c> with its padding mask <paramref name="sourcePadding"/>
    /// <c>(1, S)</c>. Call inside a dispose scope and <c>no_grad</c>.
    /// </summary>
    public static long[] Decode(TranslationModel model, Tensor memory, Tensor sourcePadding, int beam, int limit, double lengthPenalty)
    {
        var mem = memory.repeat(1, beam, 1);                                     // (S, B, d)
        var pad = sourcePadding.repeat(beam, 1);                                 // (B, S)
        var device = memory.device;
        var ys = full(beam, 1, CharTokenizer.Bos, ScalarType.Int64, device: device);   // (B, t)
        // Only the first row is live at the start: the others are copies of it and would fill the beam with duplicates.
        var scores = tensor(Enumerable.Range(0, beam).Select(b => b == 0 ? 0f : float.NegativeInfinity).ToArray(), device: device);   // (B)
        var done = zeros(beam, ScalarType.Bool, device: device);               // (B)
        for (int t = 0; t < limit; t++)
        {
            var logp = model.Decode(mem, pad, ys).select(1, -1).log_softmax(1);   // (B, V)
            long vocabulary = logp.shape[1];
            // A finished hypothesis may only be padded, at no cost, so it keeps its score and its place.
            var padOnly = full(vocabulary, float.NegativeInfinity, device: device).index_fill_(0, tensor(new long[] { CharTokenizer.Pad }, device: device), 0f);
            logp = where(done.unsqueeze(1), padOnly.unsqueeze(0), logp);
            var (top, index) = (scores.unsqueeze(1) + logp).view(-1).topk(beam);  // (B) each
            var from = index.div(vocabulary, rounding_mode: RoundingMode.floor);
            var token = index.remainder(vocabulary);
            ys = cat([ys.index_select(0, from), token.unsqueeze(1)], 1);
            done = done.index_select(0, from).logical_or(token.eq(CharTokenizer.Eos));
            scores = top;
            if (done.all().item<bool>()) break;
        }
        // Length without <bos> and padding; unfinished rows count as long as they got.
        var lengths = ys.ne(CharTokenizer.Pad).sum(1).sub(1).clamp_min(1).to(ScalarType.Float32);
        int best = (int)scores.div(lengths.pow(lengthPenalty)).argmax().item<long>();
        return ys[best].ToArrayOnCpu<long>().Skip(1).ToArray();
    }
}
