using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Blink.Workbench.IO;

/// <summary>
/// An open safetensors file. The header is read and validated on open; tensors are read one at a time straight from
/// the file into freshly allocated CPU tensors, so loading never holds a tensor's bytes twice (no managed staging
/// copy) and never the whole file at once.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Reads at most this many bytes per read call so tensors beyond 2 GiB still go through spans.</summary>
    private const int ChunkBytes = 1 << 30;

    // The stream owns the handle; reads go through RandomAccess on its handle (positionless, so thread-agnostic).
    private readonly FileStream _stream;
    private readonly SafeFileHandle _handle;

    private SafetensorsFile(string path, FileStream stream, SafetensorsHeader header)
    {
        FilePath = path;
        _stream = stream;
        _handle = stream.SafeFileHandle;
        Header = header;
    }

    public string FilePath { get; }

    public SafetensorsHeader Header { get; }

    public IReadOnlyList<SafetensorsEntry> Entries => Header.Entries;

    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    public IEnumerable<string> Keys => Header.Entries.Select(e => e.Name);

    public bool Contains(string key) => Header.ByName.ContainsKey(key);

    /// <summary>Opens and validates a file; throws <see cref="CheckpointFormatException"/> naming the problem.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported.");
        }
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Checkpoint file not found: {fullPath}", fullPath);
        }
        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.RandomAccess);
        try
        {
            var header = SafetensorsHeader.Read(stream, stream.Length, fullPath);
            return new SafetensorsFile(fullPath, stream, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public SafetensorsEntry GetEntry(string key) =>
        Header.ByName.TryGetValue(key, out var entry)
            ? entry
            : throw new KeyNotFoundException($"{FilePath}: no tensor named '{key}'");

    /// <summary>
    /// Reads one tensor. Without arguments it comes back on the CPU in its stored dtype; with a dtype and/or device it
    /// is converted after reading (the CPU copy is released at once).
    /// </summary>
    public Tensor ReadTensor(string key, ScalarType? dtype = null, Device? device = null)
    {
        var entry = GetEntry(key);
        var tensor = torch.empty(entry.Shape, entry.DType.ToScalarType(), torch.CPU);
        try
        {
            FillFromFile(tensor, entry);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
        var wantType = dtype ?? tensor.dtype;
        var wantDevice = device ?? tensor.device;
        if (wantType == tensor.dtype && wantDevice.type == tensor.device.type && wantDevice.index == tensor.device.index)
        {
            return tensor;
        }
        using (tensor)
        {
            return tensor.to(wantType, wantDevice);
        }
    }

    /// <summary>
    /// Fills an existing tensor of the entry's shape. A contiguous CPU destination of the stored dtype is filled straight
    /// from the file (no second copy); any other (another dtype, a GPU) goes through one CPU tensor of this entry,
    /// released at once, so at most one tensor's bytes are ever staged on the host.
    /// </summary>
    public void ReadInto(string key, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var entry = GetEntry(key);
        if (!entry.Shape.SequenceEqual(destination.shape))
        {
            throw new ArgumentException(
                $"{FilePath}: tensor '{key}' is {entry.ShapeText} but the destination is [{string.Join(", ", destination.shape)}].", nameof(destination));
        }
        if (destination.device_type == DeviceType.CPU && destination.dtype == entry.DType.ToScalarType() && destination.is_contiguous())
        {
            FillFromFile(destination, entry);
            return;
        }
        using var staged = ReadTensor(key);
        using (torch.no_grad())
        {
            destination.copy_(staged);
        }
    }

    private void FillFromFile(Tensor tensor, SafetensorsEntry entry)
    {
        if (entry.ByteLength == 0)
        {
            return;
        }
        // A flat view lets us fill the tensor in chunks whose byte spans stay below int.MaxValue.
        using var flat = tensor.view(-1);
        var elementSize = entry.DType.ElementSize();
        var elementsPerChunk = ChunkBytes / elementSize;
        var total = entry.ElementCount;
        for (long start = 0; start < total; start += elementsPerChunk)
        {
            var count = Math.Min(elementsPerChunk, total - start);
            using var chunk = flat.narrow(0, start, count);
            var span = chunk.bytes;
            var fileOffset = Header.DataStart + entry.Begin + start * elementSize;
            var done = 0;
            while (done < span.Length)
            {
                var read = RandomAccess.Read(_handle, span[done..], fileOffset + done);
                if (read == 0)
                {
                    throw new CheckpointFormatException(FilePath, entry.Name,
                        $"file ended while reading the tensor's bytes (offset {fileOffset + done})");
                }
                done += read;
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
