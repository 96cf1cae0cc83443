using TransferSharp.SourceSelection;

namespace TransferSharp.Tests.SourceSelection;

public sealed class WeightedTauTests
{
    [Fact]
    public void Equals_the_hand_computed_value_on_three_items()
    {
        // x = (3, 2, 1), y = (1, 3, 2). Positions by x: items 0, 1, 2; pair weights 1/(ρi+1) + 1/(ρj+1): (0,1) 3/2, (0,2) 4/3,
        // (1,2) 5/6, total 11/3; signs −, −, + → (−3/2 − 4/3 + 5/6) / (11/3) = −6/11. Positions by y: items 1, 2, 0; weights
        // (0,1) 4/3, (0,2) 5/6, (1,2) 3/2 → (−4/3 − 5/6 + 3/2) / (11/3) = −2/11. Mean: −4/11.
        Assert.Equal(-4.0 / 11, WeightedTau.Compute([3, 2, 1], [1, 3, 2]), 12);
    }

    [Fact]
    public void Matches_scipys_documented_example_with_ties()
    {
        // scipy.stats.weightedtau's docstring: weightedtau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) = -0.56694968153682723.
        Assert.Equal(-0.56694968153682723, WeightedTau.Compute([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]), 12);
    }

    [Fact]
    public void Is_one_for_the_same_order_and_minus_one_for_the_reverse()
    {
        Assert.Equal(1, WeightedTau.Compute([0.1, 0.5, 0.3, 0.9], [1, 5, 3, 9]), 12);
        Assert.Equal(-1, WeightedTau.Compute([0.1, 0.5, 0.3, 0.9], [9, 5, 7, 1]), 12);
    }

    [Fact]
    public void A_swap_at_the_top_costs_more_than_one_at_the_bottom()
    {
        double top = WeightedTau.Compute([5, 4, 3, 2, 1], [4, 5, 3, 2, 1]), bottom = WeightedTau.Compute([5, 4, 3, 2, 1], [5, 4, 3, 1, 2]);
        Assert.True(top < bottom, $"top swap {top}, bottom swap {bottom}");
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => WeightedTau.Compute([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => WeightedTau.Compute([1], [1]));
        Assert.Throws<ArgumentException>(() => WeightedTau.Compute([1, double.NaN], [1, 2]));
    }
}
