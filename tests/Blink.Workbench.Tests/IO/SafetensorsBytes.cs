using System.Text;

namespace Blink.Workbench.Tests.IO;

/// <summary>Builds safetensors files byte by byte, independently of the writer under test.</summary>
internal static class SafetensorsBytes
{
    public static byte[] Build(string headerJson, byte[] data, ulong? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return Build(header, data, declaredHeaderLength);
    }

    public static byte[] Build(byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        var result = new byte[8 + header.Length + data.Length];
        BitConverter.GetBytes(declaredHeaderLength ?? (ulong)header.Length).CopyTo(result, 0);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }
}
