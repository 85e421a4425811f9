using System.Buffers.Binary;

namespace Blink.Workbench.Tests.Fuzz;

/// <summary>
/// Rewrites the width and height fields of PNG, JPEG, WebP, GIF and BMP headers so that extreme dimensions reach the
/// decoder with an otherwise valid header (PNG's IHDR checksum is recomputed, or libpng would stop at the CRC).
/// </summary>
internal static class ImageHeaders
{
    /// <summary>
    /// Sides from empty to past every format's limit; products above 64 megapixels must be refused unread. 8193² is
    /// just over the limit; the largest accepted product (64 × 100000, 25 MB of RGBA) keeps a CI case cheap.
    /// </summary>
    internal static readonly long[] Sides = [0, 1, 2, 3, 7, 64, 8193, 16384, 65535, 100_000, int.MaxValue, uint.MaxValue];

    public static byte[] SetSize(byte[] input, int widthChoice, int heightChoice)
    {
        long width = Sides[Math.Abs(widthChoice % Sides.Length)], height = Sides[Math.Abs(heightChoice % Sides.Length)];
        var b = (byte[])input.Clone();
        if (b.Length >= 33 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
        {
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), (uint)width);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), (uint)height);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32Png(b.AsSpan(12, 17)));
        }
        else if (b.Length >= 26 && b[0] == 'B' && b[1] == 'M')
        {
            // Signed in the file: a negative height means top-down rows; uint.MaxValue becomes -1.
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), (int)width);
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), (int)(uint)height);
        }
        else if (b.Length >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F')
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)width);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)height);
            int descriptor = b.Length > 13 ? Array.IndexOf(b, (byte)0x2C, 13) : -1;
            if (descriptor > 0 && descriptor + 9 <= b.Length)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(descriptor + 5), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(descriptor + 7), (ushort)height);
            }
        }
        else if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xD8)
        {
            for (int i = 2; i + 9 <= b.Length; i++)
            {
                if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 5), (ushort)height);
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 7), (ushort)width);
                    break;
                }
            }
        }
        else if (b.Length >= 30 && b[0] == 'R' && b[8] == 'W' && b[12] == 'V' && b[13] == 'P' && b[14] == '8')
        {
            if (b[15] == 'X')
            {
                // Extended WebP (alpha): the canvas size, then the same size in the VP8/VP8L frame it holds.
                WriteUInt24(b, 24, (uint)Math.Max(0, width - 1));
                WriteUInt24(b, 27, (uint)Math.Max(0, height - 1));
                for (int c = 30; c + 20 <= b.Length; c++)
                    if (b[c] == 'V' && b[c + 1] == 'P' && b[c + 2] == '8' && b[c + 3] is (byte)' ' or (byte)'L')
                    {
                        SetWebPFrameSize(b, c, width, height);
                        break;
                    }
            }
            else
            {
                SetWebPFrameSize(b, 12, width, height);
            }
        }
        return b;
    }

    /// <summary>The frame chunk at <paramref name="chunk"/>: VP8L keeps 14-bit sides − 1 after its 0x2f signature, VP8 14-bit sides after its start code.</summary>
    private static void SetWebPFrameSize(byte[] b, int chunk, long width, long height)
    {
        if (chunk + 18 > b.Length) return;
        if (b[chunk + 3] == 'L')
        {
            uint w = (uint)Math.Max(0, width - 1), h = (uint)Math.Max(0, height - 1);
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(chunk + 9));
            bits = (bits & 0xF000_0000u) | (w & 0x3FFF) | ((h & 0x3FFF) << 14);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(chunk + 9), bits);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(chunk + 14), (ushort)(width & 0x3FFF));
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(chunk + 16), (ushort)(height & 0x3FFF));
        }
    }

    private static void WriteUInt24(byte[] b, int at, uint value)
    {
        b[at] = (byte)value;
        b[at + 1] = (byte)(value >> 8);
        b[at + 2] = (byte)(value >> 16);
    }

    /// <summary>PNG's CRC-32 (ISO 3309, the zlib one): eight lines here instead of a package for one header field.</summary>
    internal static uint Crc32Png(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFFu;
        foreach (byte value in data)
        {
            crc ^= value;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB8_8320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
