using System.Text;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// A tab-separated file with a header row, read the way pandas' <c>read_table</c> reads MMBench TSVs: fields may be
/// double-quoted (then they can hold tabs and newlines, and <c>""</c> is a quote). Each row remembers the line it
/// starts on; a row with the wrong number of fields is an error naming file and line.
/// </summary>
public sealed class TsvTable
{
    private readonly Dictionary<string, int> _columnIndex;

    private TsvTable(string path, IReadOnlyList<string> columns, IReadOnlyList<Row> rows)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
        _columnIndex = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
    }

    public sealed record Row(IReadOnlyList<string> Cells, int Line);

    public string Path { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<Row> Rows { get; }

    public bool HasColumn(string name) => _columnIndex.ContainsKey(name);

    /// <summary>The cell of <paramref name="column"/>, or null if the table has no such column.</summary>
    public string? Get(Row row, string column) => _columnIndex.TryGetValue(column, out int i) ? row.Cells[i] : null;

    public string Require(Row row, string column) =>
        Get(row, column) ?? throw new BenchmarkFormatException(Path, 1, $"missing column \"{column}\"");

    public static TsvTable Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: file not found", path);
        string text = File.ReadAllText(path, Encoding.UTF8);
        var records = Parse(text, path);
        if (records.Count == 0)
            throw new BenchmarkFormatException(path, 1, "empty file, expected a header row");
        var header = records[0].Cells;
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new BenchmarkFormatException(path, 1, $"column \"{duplicate.Key}\" appears twice in the header");
        for (int r = 1; r < records.Count; r++)
            if (records[r].Cells.Count != header.Count)
                throw new BenchmarkFormatException(path, records[r].Line,
                    $"expected {header.Count} tab-separated fields (as in the header), found {records[r].Cells.Count}");
        return new TsvTable(path, header, records.Skip(1).ToList());
    }

    private static List<Row> Parse(string text, string path)
    {
        var rows = new List<Row>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        int line = 1, rowStart = 1, i = 0;
        bool any = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"' && cell.Length == 0)
            {
                // Quoted field: runs to the closing quote; "" is a literal quote.
                int quoteLine = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw new BenchmarkFormatException(path, quoteLine, "unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (text[i] == '\n') line++;
                    cell.Append(text[i++]);
                }
                any = true;
                continue;
            }
            if (c == '\t')
            {
                cells.Add(cell.ToString());
                cell.Clear();
                any = true;
                i++;
                continue;
            }
            if (c == '\r' || c == '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                i++;
                if (any || cell.Length > 0)
                {
                    cells.Add(cell.ToString());
                    rows.Add(new Row(cells.ToArray(), rowStart));
                }
                cells.Clear();
                cell.Clear();
                any = false;
                line++;
                rowStart = line;
                continue;
            }
            cell.Append(c);
            any = true;
            i++;
        }
        if (any || cell.Length > 0)
        {
            cells.Add(cell.ToString());
            rows.Add(new Row(cells.ToArray(), rowStart));
        }
        return rows;
    }

    /// <summary>
    /// True for cells pandas reads as NaN by default, plus LLaVA's <c>is_none</c> ("nan"/"none" in any case); LLaVA
    /// stops reading options at the first such cell.
    /// </summary>
    public static bool IsMissing(string? cell) =>
        cell is null || PandasMissing.Contains(cell) || cell.Equals("nan", StringComparison.OrdinalIgnoreCase) ||
        cell.Equals("none", StringComparison.OrdinalIgnoreCase);

    private static readonly HashSet<string> PandasMissing =
    [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA",
        "NULL", "NaN", "None", "n/a", "nan", "null",
    ];
}
