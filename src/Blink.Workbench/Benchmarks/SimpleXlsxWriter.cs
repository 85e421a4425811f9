using Blink.Workbench.IO;
using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using Blink.Workbench.Evaluation;

namespace Blink.Workbench.Benchmarks;

/// <summary>
/// Writes a one-sheet .xlsx (Office Open XML) with the BCL's zip support, so the MMBench submission file needs no
/// spreadsheet package. Cells are inline strings, or numbers where a value is a double; first row is the header.
/// </summary>
public static class SimpleXlsxWriter
{
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows,
        string sheetName = "Sheet1") =>
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Entry(zip, "[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
                "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>" +
                "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>" +
                "</Types>");
            Entry(zip, "_rels/.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>" +
                "</Relationships>");
            Entry(zip, "xl/workbook.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
                $"<sheets><sheet name=\"{Xml(sheetName)}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
            Entry(zip, "xl/_rels/workbook.xml.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" +
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>" +
                "</Relationships>");

            var sheet = new StringBuilder();
            sheet.Append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>")
                 .Append("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
            int r = 1;
            AppendRow(sheet, r++, header.Cast<object?>().ToList());
            foreach (IReadOnlyList<object?> row in rows)
                AppendRow(sheet, r++, row);
            sheet.Append("</sheetData></worksheet>");
            Entry(zip, "xl/worksheets/sheet1.xml", sheet.ToString());
        });

    private static void AppendRow(StringBuilder sb, int rowNumber, IReadOnlyList<object?> cells)
    {
        sb.Append("<row r=\"").Append(rowNumber).Append("\">");
        for (int c = 0; c < cells.Count; c++)
        {
            string reference = ColumnName(c) + rowNumber.ToString(CultureInfo.InvariantCulture);
            switch (cells[c])
            {
                case null:
                    break;
                case double or int or long:
                    sb.Append("<c r=\"").Append(reference).Append("\"><v>")
                      .Append(Convert.ToDouble(cells[c], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture))
                      .Append("</v></c>");
                    break;
                default:
                    sb.Append("<c r=\"").Append(reference).Append("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
                      .Append(Xml(Convert.ToString(cells[c], CultureInfo.InvariantCulture) ?? "")).Append("</t></is></c>");
                    break;
            }
        }
        sb.Append("</row>");
    }

    /// <summary>0 → A, 25 → Z, 26 → AA.</summary>
    public static string ColumnName(int index)
    {
        string name = "";
        for (int i = index + 1; i > 0; i = (i - 1) / 26)
            name = (char)('A' + (i - 1) % 26) + name;
        return name;
    }

    private static void Entry(ZipArchive zip, string name, string content)
    {
        using Stream s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        s.Write(new UTF8Encoding(false).GetBytes(content));
    }

    // XML 1.0 cannot hold most control characters even escaped; drop them.
    private static string Xml(string s) =>
        SecurityElement.Escape(new string(s.Where(ch => ch is '\t' or '\n' or '\r' || ch >= ' ').ToArray()))!;
}
