using TransferSharp.Evaluation;

namespace TransferSharp.Tests.Evaluation;

public sealed class HungarianTests
{
    private static double Total(double[,] cost, int[] match) =>
        match.Select((j, i) => j < 0 ? 0 : cost[i, j]).Sum();

    // Brute force over all injective maps of the smaller side: the oracle for small matrices.
    private static double BestByEnumeration(double[,] cost)
    {
        int r = cost.GetLength(0), c = cost.GetLength(1);
        bool transpose = r > c;
        int n = Math.Min(r, c), m = Math.Max(r, c);
        double best = double.PositiveInfinity;
        void Walk(int i, bool[] used, double sum)
        {
            if (i == n) { best = Math.Min(best, sum); return; }
            for (int j = 0; j < m; j++)
            {
                if (used[j]) continue;
                used[j] = true;
                Walk(i + 1, used, sum + (transpose ? cost[j, i] : cost[i, j]));
                used[j] = false;
            }
        }
        Walk(0, new bool[m], 0);
        return best;
    }

    [Fact]
    public void Solves_the_textbook_three_by_three()
    {
        // The six permutations cost 6, 11, 5, 9, 7, 6 (checked by hand): rows (0, 1, 2) -> columns (1, 0, 2), 1 + 2 + 2 = 5.
        double[,] cost = { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
        var match = Hungarian.MinimumCost(cost);
        Assert.Equal(new[] { 1, 0, 2 }, match);
        Assert.Equal(5, Total(cost, match));
    }

    [Fact]
    public void Maximum_score_picks_the_diagonal_of_a_permuted_identity()
    {
        double[,] score = { { 0, 0, 9 }, { 9, 0, 0 }, { 0, 9, 0 } };
        Assert.Equal(new[] { 2, 0, 1 }, Hungarian.MaximumScore(score));
    }

    [Theory]
    [InlineData(4, 4, 1)]
    [InlineData(5, 5, 2)]
    [InlineData(3, 6, 3)]
    [InlineData(6, 3, 4)]
    [InlineData(7, 7, 5)]
    public void Matches_brute_force_on_random_matrices(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var cost = new double[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) cost[i, j] = rng.Next(0, 10) - 3;   // small ints: many ties
            var match = Hungarian.MinimumCost(cost);
            Assert.Equal(Math.Min(rows, cols), match.Count(j => j >= 0));
            Assert.Equal(match.Where(j => j >= 0).Distinct().Count(), match.Count(j => j >= 0));
            Assert.Equal(BestByEnumeration(cost), Total(cost, match), 9);
        }
    }

    [Fact]
    public void Bad_matrices_are_refused_with_a_clear_message()
    {
        Assert.Contains("at least one row", Assert.Throws<ArgumentException>(() => Hungarian.MinimumCost(new double[0, 3])).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => Hungarian.MinimumCost(new double[,] { { 1, double.NaN } })).Message);
    }
}
