using System.Text;

namespace Blink.Notebooks.Execution;

/// <summary>
/// Console.Out/Error are process-wide, so they are replaced once by writers that send text to the cell running on
/// the current logical call context (captured as stdout/stderr stream outputs) and to the original console otherwise.
/// </summary>
internal static class ConsoleRouter
{
    private static readonly object Gate = new();
    private static TextWriter? _installedOut;
    private static TextWriter? _installedError;

    /// <summary>Installs the routing writers, again if the host replaced Console.Out/Error since the last run.</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            // Console.SetOut wraps the writer (TextWriter.Synchronized), so compare with what Console hands back.
            if (!ReferenceEquals(Console.Out, _installedOut))
            {
                Console.SetOut(new RoutingWriter("stdout", Console.Out));
                _installedOut = Console.Out;
            }
            if (!ReferenceEquals(Console.Error, _installedError))
            {
                Console.SetError(new RoutingWriter("stderr", Console.Error));
                _installedError = Console.Error;
            }
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
