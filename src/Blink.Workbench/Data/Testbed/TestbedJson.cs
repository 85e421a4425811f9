using System.Text.Encodings.Web;
using System.Text.Json;

namespace Blink.Workbench.Data.Testbed;

/// <summary>JSON settings of testbed files: one compact object per line, UTF-8, no HTML escaping of plain text.</summary>
internal static class TestbedJson
{
    public static readonly JsonSerializerOptions Lines = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
