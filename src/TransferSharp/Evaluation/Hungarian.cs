namespace TransferSharp.Evaluation;

/// <summary>
/// Minimum-cost assignment of rows to columns (the Hungarian method of Kuhn and Munkres), in O(n²·m) time for an
/// n × m cost matrix.
/// </summary>
/// <remarks>
/// Shortest-augmenting-path form with row and column potentials u, v: every step keeps the reduced costs
/// c(i, j) − u(i) − v(j) non-negative and zero on matched pairs, so the matching found is optimal (Kuhn 1955; Munkres
/// 1957; the O(n³) version of Tomizawa 1971 and Edmonds–Karp 1972). Written here because no well-kept .NET library
/// provides it. A non-square matrix is fine: with more rows than columns, the unmatched rows get −1.
/// </remarks>
internal static class Hungarian
{
    /// <summary>The column assigned to each row (−1 for a row left unmatched) so that the total cost is least.</summary>
    /// <exception cref="ArgumentException">The matrix is empty or holds NaN or an infinity.</exception>
    public static int[] MinimumCost(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        if (rows == 0 || cols == 0) throw new ArgumentException($"cost matrix is {rows}x{cols}; it needs at least one row and one column", nameof(cost));
        foreach (var c in cost)
            if (!double.IsFinite(c)) throw new ArgumentException($"cost matrix holds {c}; every cost must be finite", nameof(cost));
        if (rows <= cols) return Solve(cost, rows, cols, transpose: false);

        // More rows than columns: assign columns to rows on the transpose, then invert.
        var rowOfColumn = Solve(cost, cols, rows, transpose: true);
        var result = Enumerable.Repeat(-1, rows).ToArray();
        for (int j = 0; j < cols; j++) result[rowOfColumn[j]] = j;
        return result;
    }

    /// <summary>The column assigned to each row so that the total score is greatest.</summary>
    public static int[] MaximumScore(double[,] score)
    {
        ArgumentNullException.ThrowIfNull(score);
        int rows = score.GetLength(0), cols = score.GetLength(1);
        var cost = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) cost[i, j] = -score[i, j];
        return MinimumCost(cost);
    }

    // n ≤ m. Arrays are 1-based with index 0 as the virtual start column, as in the usual potentials formulation.
    private static int[] Solve(double[,] a, int n, int m, bool transpose)
    {
        double At(int i, int j) => transpose ? a[j - 1, i - 1] : a[i - 1, j - 1];
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];      // p[j]: row matched to column j (0 = none)
        var way = new int[m + 1];    // way[j]: previous column on the augmenting path
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Fill(used, false);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double cur = At(i0, j) - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var result = new int[n];
        for (int j = 1; j <= m; j++)
            if (p[j] != 0) result[p[j] - 1] = j - 1;
        return result;
    }
}
