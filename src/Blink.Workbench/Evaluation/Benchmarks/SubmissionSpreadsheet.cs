using Blink.Workbench.IO;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace Blink.Workbench.Evaluation.Benchmarks;

/// <summary>
/// A one-sheet .xlsx for benchmark submission servers (MMBench): the header row, then one row per item; numbers stay
/// numbers and a null leaves the cell empty. Written atomically, so an interrupted export never leaves half a file.
/// </summary>
public static class SubmissionSpreadsheet
{
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows,
        string sheetName = "Sheet1")
    {
        if (header.Distinct(StringComparer.Ordinal).Count() != header.Count)
            throw new ArgumentException($"spreadsheet {path}: repeated column names in [{string.Join(", ", header)}]", nameof(header));
        var records = rows.Select((row, r) =>
        {
            if (row.Count > header.Count)
                throw new ArgumentException($"spreadsheet {path}: row {r + 1} has {row.Count} cells for {header.Count} columns", nameof(rows));
            var record = new Dictionary<string, object?>(header.Count, StringComparer.Ordinal);
            for (int c = 0; c < header.Count; c++)
                record[header[c]] = c < row.Count ? Clean(row[c]) : null;
            return (IDictionary<string, object?>)record;
        });
        AtomicFile.Write(path, stream => stream.SaveAs(records, sheetName: sheetName, excelType: ExcelType.XLSX,
            configuration: new OpenXmlConfiguration { AutoFilter = false, TableStyles = TableStyles.None }));
    }

    // XML 1.0 cannot hold most control characters even escaped; a question text with one would make the file unreadable.
    private static object? Clean(object? value) => value is string s
        ? new string(s.Where(ch => ch is '\t' or '\n' or '\r' || ch >= ' ').ToArray())
        : value;
}
