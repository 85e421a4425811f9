using System.Text;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Console.Out/Error are process-wide, so they are replaced once by writers that send text to the cell running on
/// the current logical call context (captured as stdout/stderr stream outputs) and to the original console otherwise.
/// </summary>
internal static class ConsoleRouter
{
    private static readonly object Gate = new();
    private static bool _installed;

    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (_installed) return;
            Console.SetOut(new RoutingWriter("stdout", Console.Out));
            Console.SetError(new RoutingWriter("stderr", Console.Error));
            _installed = true;
        }
    }

    private sealed class RoutingWriter(string streamName, TextWriter fallback) : TextWriter
    {
        public override Encoding Encoding => fallback.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (value is null) return;
            if (CellExecutionContext.Current is { } cell) cell.Outputs.AppendStream(streamName, value);
            else fallback.Write(value);
        }

        public override void WriteLine(string? value) => Write(value + NewLine);

        public override void Flush()
        {
            if (CellExecutionContext.Current is null) fallback.Flush();
        }
    }
}
