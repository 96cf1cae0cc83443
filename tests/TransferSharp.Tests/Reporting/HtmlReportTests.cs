using TransferSharp.Reporting;

namespace TransferSharp.Tests.Reporting;

public sealed class HtmlReportTests
{
    [Fact]
    public void A_report_is_one_file_with_escaped_text_tables_and_embedded_pictures()
    {
        using var dir = new TestData.TempFolder();
        var png = dir.File("curve.png");
        LearningCurvePlot.Save(png, [new EpochRecord(1, 1.0, 0.5, 0.9, 0.6), new EpochRecord(2, 0.5, 0.8, 0.6, 0.7)], "t");
        var report = new HtmlReport("Tour <1>")
            .Heading("Fine-tuning & more")
            .Paragraph("a < b")
            .Table(["method", "accuracy"], [["scratch", "50 %"], ["transfer", "80 %"]])
            .Picture(png, "learning curve")
            .Picture(dir.File("nope.png"), "missing one");
        var path = dir.File("report.html");
        report.Save(path);
        var html = File.ReadAllText(path);
        Assert.Contains("<title>Tour &lt;1&gt;</title>", html);
        Assert.Contains("Fine-tuning &amp; more", html);
        Assert.Contains("<td>transfer</td><td>80 %</td>", html);
        Assert.Contains("data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(png)), html);
        Assert.Contains("picture missing: nope.png", html);
        Assert.DoesNotContain("src=\"curve.png\"", html);
        Assert.Throws<ArgumentException>(() => report.Table(["a", "b"], [["only one"]]));
    }
}
