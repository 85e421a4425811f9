using System.Diagnostics;
using System.Text.RegularExpressions;
using Blink.Notebooks;
using Blink.Notebooks.Html;

namespace Blink.Workbench.Tests.Notebooks;

[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookHtmlTests
{
    [Fact]
    public async Task The_page_inlines_plotly_js_once_for_several_charts_and_loads_nothing_from_the_network()
    {
        using var nb = new TestNotebook()
            .Markdown("# Charts\n\nTwo **line** charts:\n\n- first\n- second")
            .Code("#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#r \"nuget: Plotly.NET.Interactive, 6.0.0\"")
            .Code("Plotly.NET.CSharp.Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })")
            .Code("display(Plotly.NET.CSharp.Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 4, 3 }));\nConsole.WriteLine(\"<done>\");");
        var result = await NotebookRunner.RunAsync(nb.Write(), new NotebookRunOptions { OutputDirectory = nb.OutputDirectory });

        Assert.True(result.Succeeded);
        var html = File.ReadAllText(result.HtmlPath!);
        Assert.Equal(1, Count(html, PlotlyJsBundle.Script[..200]));
        Assert.Equal(2, Count(html, "<!-- Plotly chart will be drawn inside this DIV -->"));
        Assert.DoesNotMatch(new Regex("<script[^>]+src\\s*=\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("<h1>Charts</h1>", html);
        Assert.Contains("<strong>line</strong>", html);
        Assert.Contains("<li>second</li>", html);
        Assert.Contains("&lt;done&gt;", html);   // console text is escaped
    }

    /// <summary>
    /// The real proof of "offline": a headless Chromium (a Debian package on the project's machines) with networking
    /// disabled draws both charts of the page, i.e. the RequireJS stand-in hands the kernel-style fragments the inlined plotly.js.
    /// </summary>
    [Fact]
    public async Task The_page_draws_its_charts_in_a_browser_without_network()
    {
        var browser = new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
        Assert.True(browser is not null, "This test needs a headless Chromium on PATH (Debian package 'chromium').");

        using var nb = new TestNotebook()
            .Code("#r \"nuget: Plotly.NET.CSharp, 0.14.0\"\n#r \"nuget: Plotly.NET.Interactive, 6.0.0\"")
            .Code("Plotly.NET.CSharp.Chart.Line<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })")
            .Code("Plotly.NET.CSharp.Chart.Column<int, string, string>(new[] { 5, 6 }, new[] { \"a\", \"b\" })");
        var result = await NotebookRunner.RunAsync(nb.Write(), new NotebookRunOptions { OutputDirectory = nb.OutputDirectory });
        Assert.True(result.Succeeded);

        var start = new ProcessStartInfo(browser!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                $"--user-data-dir={Path.Combine(nb.Directory, "chromium")}", "--virtual-time-budget=5000", "--dump-dom",
                new Uri(result.HtmlPath!).AbsoluteUri,
            },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var dom = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await stderr;

        Assert.Equal(2, Count(dom, "class=\"plot-container plotly\""));
    }

    [Fact]
    public void A_page_without_charts_carries_no_plotly_js()
    {
        var notebook = Blink.Notebooks.Documents.NotebookFile.Parse("""{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}""");
        Assert.DoesNotContain(PlotlyJsBundle.Script[..200], NotebookHtmlRenderer.Render(notebook));
    }

    [Fact]
    public void Markdown_subset_renders_blocks_and_inlines()
    {
        var html = MarkdownRenderer.ToHtml("""
            ## Results <raw>

            | model | score |
            |:------|------:|
            | tiny  | `0.5` |

            1. one
            2. two
               - nested

            ```csharp
            var x = a < b;
            ```

            > quoted *text* and [a link](https://example.org)
            """);

        Assert.Contains("<h2>Results &lt;raw&gt;</h2>", html);
        Assert.Contains("<th style=\"text-align:left\">model</th>", html);
        Assert.Contains("<td style=\"text-align:right\"><code>0.5</code></td>", html);
        Assert.Contains("<ol>", html);
        Assert.Contains("<ul>\n<li>nested</li>", html);
        Assert.Contains("<pre><code class=\"language-csharp\">var x = a &lt; b;</code></pre>", html);
        Assert.Contains("<blockquote>", html);
        Assert.Contains("<em>text</em>", html);
        Assert.Contains("<a href=\"https://example.org\">a link</a>", html);
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
