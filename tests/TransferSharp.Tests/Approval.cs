using System.Globalization;

namespace TransferSharp.Tests;

/// <summary>
/// Approved-file comparisons (metrics snapshots in Snapshots/, the public API in PublicApi/).
/// <para>
/// Each check compares a text against <c>&lt;folder&gt;/&lt;name&gt;.approved.txt</c> in the SOURCE tree
/// (tests/TransferSharp.Tests/..., found by walking up from the test assembly to TransferSharp.slnx), so nothing is
/// copied to the output folder and a received file lands next to the approved one.
/// On a mismatch or a missing approved file the test writes <c>&lt;name&gt;.received.txt</c> beside it and fails;
/// to approve, copy received over approved (or delete the approved file and copy).
/// </para>
/// <para>
/// RE-APPROVE EVERYTHING in one command (after an intended change, e.g. a public-API change):
/// <c>APPROVE=1 dotnet test TransferSharp.slnx -c Release --filter "FullyQualifiedName~Snapshots|FullyQualifiedName~PublicApi"</c>
/// With APPROVE=1 every check overwrites its approved file with what it received and passes; review the diff with git.
/// </para>
/// </summary>
internal static class Approval
{
    /// <summary>Whether the APPROVE environment variable asks to overwrite approved files.</summary>
    public static bool Approving => Environment.GetEnvironmentVariable("APPROVE") is "1" or "true";

    /// <summary>The source folder tests/TransferSharp.Tests/<paramref name="folder"/>.</summary>
    public static string SourceFolder(string folder)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TransferSharp.slnx")))
                return Path.Combine(dir.FullName, "tests", "TransferSharp.Tests", folder);
        throw new InvalidOperationException($"TransferSharp.slnx not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Exact comparison of whole texts (line endings normalised), e.g. the public API.</summary>
    public static void VerifyText(string folder, string name, string received) =>
        Verify(folder, name, Normalise(received), (approved, got) => approved == got ? null : FirstDifference(approved, got));

    /// <summary>
    /// Comparison of <c>key = value</c> lines (comment lines start with '#' and are ignored): the same keys in the same
    /// order, values equal as text or, when both parse as numbers, within <paramref name="relativeTolerance"/> on the
    /// kind of machine that approved them (the file's <c># machine:</c> line, see <see cref="Machine"/>) and within
    /// <paramref name="otherMachineTolerance"/> of max(1, |value|) elsewhere: libtorch and MKL take other SIMD paths on
    /// another CPU, and a tiny seeded run then drifts by a few hundredths (measured: at most 0.027 between an AMD EPYC
    /// with AVX2 and an Intel Xeon with AVX-512) while a behaviour change usually moves a value by more, or a key.
    /// </summary>
    public static void VerifyValues(string folder, string name, string received, double relativeTolerance, double otherMachineTolerance = 0.05) =>
        Verify(folder, name, Normalise($"# machine: {Machine}\n" + received), (approved, got) =>
            CompareValues(approved, got, MachineOf(approved) == Machine ? relativeTolerance : otherMachineTolerance, absoluteBelowOne: MachineOf(approved) != Machine));

    /// <summary>The kind of CPU as far as libtorch's kernels are concerned: vendor and widest vector instructions.</summary>
    public static string Machine { get; } = MachineKind();

    private static string MachineKind()
    {
        var vendor = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("vendor_id"))?.Split(':')[1].Trim() ?? "unknown"
            : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        var vectors = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "avx512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "avx2" : "other";
        return $"{vendor} {vectors}";
    }

    private static string? MachineOf(string approved) =>
        approved.Split('\n').FirstOrDefault(l => l.StartsWith("# machine: "))?["# machine: ".Length..];

    /// <summary>"R" (round-trip) text of a number, invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Verify(string folder, string name, string received, Func<string, string, string?> compare)
    {
        var dir = SourceFolder(folder);
        Directory.CreateDirectory(dir);
        var approvedPath = Path.Combine(dir, name + ".approved.txt");
        var receivedPath = Path.Combine(dir, name + ".received.txt");
        if (Approving)
        {
            File.WriteAllText(approvedPath, received);
            File.Delete(receivedPath);
            return;
        }
        string? problem = File.Exists(approvedPath)
            ? compare(Normalise(File.ReadAllText(approvedPath)), received)
            : "no approved file yet";
        if (problem is null)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        Assert.Fail($"{name}: {problem}.\nReceived: {receivedPath}\nIf the change is intended, approve it: " +
                    $"cp '{receivedPath}' '{approvedPath}' (or rerun with APPROVE=1 to approve every snapshot).");
    }

    private static string? CompareValues(string approved, string received, double tolerance, bool absoluteBelowOne)
    {
        var a = Entries(approved);
        var r = Entries(received);
        for (int i = 0; i < Math.Max(a.Count, r.Count); i++)
        {
            if (i >= a.Count) return $"extra line '{r[i].Key} = {r[i].Value}'";
            if (i >= r.Count) return $"missing line '{a[i].Key} = {a[i].Value}'";
            if (a[i].Key != r[i].Key) return $"line {i + 1}: expected key '{a[i].Key}', got '{r[i].Key}'";
            if (!SameValue(a[i].Value, r[i].Value, tolerance, absoluteBelowOne))
                return $"{a[i].Key}: approved {a[i].Value}, received {r[i].Value}";
        }
        return null;
    }

    private static bool SameValue(string approved, string received, double tolerance, bool absoluteBelowOne)
    {
        if (approved == received) return true;
        if (!double.TryParse(approved, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ||
            !double.TryParse(received, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)) return false;
        if (double.IsNaN(x) || double.IsNaN(y) || double.IsInfinity(x) || double.IsInfinity(y)) return x.Equals(y);
        double scale = Math.Max(Math.Abs(x), Math.Abs(y));
        return Math.Abs(x - y) <= tolerance * (absoluteBelowOne ? Math.Max(1, scale) : scale);
    }

    private static List<KeyValuePair<string, string>> Entries(string text) =>
        text.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                int eq = l.IndexOf(" = ", StringComparison.Ordinal);
                return eq < 0 ? new KeyValuePair<string, string>(l, "") : new(l[..eq], l[(eq + 3)..]);
            })
            .ToList();

    private static string FirstDifference(string approved, string received)
    {
        var a = approved.Split('\n');
        var r = received.Split('\n');
        for (int i = 0; i < Math.Min(a.Length, r.Length); i++)
            if (a[i] != r[i]) return $"line {i + 1} differs:\n  approved: {a[i]}\n  received: {r[i]}";
        return $"approved has {a.Length} lines, received {r.Length}";
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";
}
