using TransferSharp.Data;

namespace TransferSharp.DomainAdaptation;

/// <summary>
/// A source and a target dataset made ready for adaptation: the same example shape and classes, each split into a
/// training part and a held-out part.
/// </summary>
/// <remarks>
/// Both sets are split with the same fraction and seed (stratified by class; an unlabelled target at random). Two sets built from the same images in the same order
/// (<c>mnist</c> and <c>mnist-m</c>) are therefore split at the same indices, as in the DANN paper: the target's
/// held-out digits were never seen, in either domain, during training.
/// </remarks>
public sealed class DomainPair : IDisposable
{
    private DomainPair(Dataset sourceTrain, Dataset sourceHeldOut, Dataset targetTrain, Dataset targetHeldOut, IReadOnlyList<string> notes)
    {
        SourceTrain = sourceTrain;
        SourceHeldOut = sourceHeldOut;
        TargetTrain = targetTrain;
        TargetHeldOut = targetHeldOut;
        Notes = notes;
    }

    /// <summary>Labelled source training examples.</summary>
    public Dataset SourceTrain { get; }
    /// <summary>Labelled source examples for validation.</summary>
    public Dataset SourceHeldOut { get; }
    /// <summary>Target training examples (labelled or not; a trainer drops the labels unless it is the trained-on-target baseline).</summary>
    public Dataset TargetTrain { get; }
    /// <summary>Held-out target examples: for evaluation only when labelled; unlabelled, only for pictures of the features.</summary>
    public Dataset TargetHeldOut { get; }
    /// <summary>True when the target has labels, so target accuracy can be measured on <see cref="TargetHeldOut"/>.</summary>
    public bool TargetLabelled => TargetHeldOut.HasLabels;
    /// <summary>The classes: the source's (an unlabelled target has none of its own).</summary>
    public IReadOnlyList<string> ClassNames => SourceTrain.ClassNames;
    /// <summary>What was done to make the sets match (channel conversion, resizing).</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>Shape of one example, shared by both domains.</summary>
    public long[] ExampleShape => SourceTrain.ExampleShape;

    /// <summary>
    /// Makes <paramref name="target"/> match <paramref name="source"/> (grey becomes RGB when the other is colour; the
    /// target is resized to the source's size) and splits both. The source must be labelled; a labelled target must
    /// have the source's classes (its labels serve only the held-out evaluation and the trained-on-target baseline).
    /// An unlabelled target is split at random (seeded) and its classes are taken to be the source's.
    /// </summary>
    public static DomainPair Create(Dataset source, Dataset target, double heldOutFraction, int seed) =>
        Create(source, target, heldOutFraction, heldOutFraction, seed);

    /// <summary>As <see cref="Create(Dataset, Dataset, double, int)"/>, holding out <paramref name="sourceValidationFraction"/> of
    /// the source (validation) and <paramref name="targetTestFraction"/> of the target (the evaluation-only test).</summary>
    public static DomainPair Create(Dataset source, Dataset target, double sourceValidationFraction, double targetTestFraction, int seed)
    {
        if (!source.HasLabels) throw new ArgumentException($"source '{source.Name}' has no labels");
        if (target.HasLabels && !source.ClassNames.SequenceEqual(target.ClassNames, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"source '{source.Name}' and target '{target.Name}' have different classes " +
                $"({string.Join(",", source.ClassNames)} vs {string.Join(",", target.ClassNames)})");
        var notes = new List<string>();
        Dataset s = source, t = target;
        var owned = new List<Dataset>();
        try
        {
            if (s.IsImage != t.IsImage) throw new ArgumentException($"source '{source.Name}' and target '{target.Name}': one holds images, the other features");
            if (s.IsImage)
            {
                if (s.Inputs.shape[1] != t.Inputs.shape[1])
                {
                    if (s.Inputs.shape[1] == 1) { s = s.ToRgb(); owned.Add(s); notes.Add($"source '{source.Name}' converted to RGB"); }
                    else { t = t.ToRgb(); owned.Add(t); notes.Add($"target '{target.Name}' converted to RGB"); }
                }
                long h = s.Inputs.shape[2], w = s.Inputs.shape[3];
                if (t.Inputs.shape[2] != h || t.Inputs.shape[3] != w)
                {
                    notes.Add($"target '{target.Name}' resized from {t.Inputs.shape[2]}x{t.Inputs.shape[3]} to {h}x{w}");
                    t = t.Resize((int)h, (int)w);
                    owned.Add(t);
                }
            }
            if (!s.ExampleShape.SequenceEqual(t.ExampleShape))
                throw new ArgumentException($"source '{source.Name}' ({string.Join('x', s.ExampleShape)}) and target '{target.Name}' ({string.Join('x', t.ExampleShape)}) differ in shape");
            var (sTrain, sHeld) = s.StratifiedSplit(sourceValidationFraction, seed);
            var (tTrain, tHeld) = t.HasLabels ? t.StratifiedSplit(targetTestFraction, seed) : t.RandomSplit(targetTestFraction, seed);
            return new DomainPair(sTrain, sHeld, tTrain, tHeld, notes);
        }
        finally
        {
            foreach (var d in owned) d.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        SourceTrain.Dispose();
        SourceHeldOut.Dispose();
        TargetTrain.Dispose();
        TargetHeldOut.Dispose();
    }
}
