using TorchSharp.Modules;

namespace TransferSharp.Training;

/// <summary>Parameters sharing one learning rate and weight decay.</summary>
/// <param name="Parameters">The parameters to update.</param>
/// <param name="LearningRate">Base learning rate of the group (schedules scale it).</param>
/// <param name="WeightDecay">L2 penalty (Adam, SGD) or decoupled decay (AdamW); 0 = none.</param>
public sealed record OptimizerGroup(IReadOnlyList<Parameter> Parameters, double LearningRate, double WeightDecay = 0);

/// <summary>
/// Builds the optimiser every trainer uses, so that all of them get the same implementation: <see cref="InPlace.Adam"/>,
/// <see cref="InPlace.AdamW"/> and <see cref="InPlace.SGD"/> (momentum, Nesterov off): in-place steps, temporaries freed at once.
/// </summary>
public static class Optimizers
{
    /// <summary>An optimiser of <paramref name="kind"/> over <paramref name="groups"/>, in that order.</summary>
    /// <exception cref="ArgumentException">No groups, or a bad learning rate, decay or momentum.</exception>
    public static OptimizerHelper Create(OptimizerKind kind, IReadOnlyList<OptimizerGroup> groups, double momentum = 0.9)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0) throw new ArgumentException("an optimiser needs at least one parameter group", nameof(groups));
        double lr = groups[0].LearningRate;
        return kind switch
        {
            OptimizerKind.Sgd => new InPlace.SGD(groups.Select(g => new SGD.ParamGroup(g.Parameters, g.LearningRate, momentum: momentum,
                weight_decay: g.WeightDecay)), lr),
            OptimizerKind.Adam => new InPlace.Adam(groups.Select(g => new Adam.ParamGroup(g.Parameters, g.LearningRate, weight_decay: g.WeightDecay)), lr),
            OptimizerKind.AdamW => new InPlace.AdamW(groups.Select(g => new AdamW.ParamGroup(g.Parameters, g.LearningRate, weight_decay: g.WeightDecay)), lr),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimiser"),
        };
    }
}
