using System.Text;
using System.Text.Json.Nodes;

namespace Blink.Workbench.Evaluation;

/// <summary>What to do with an answer file that already exists.</summary>
public enum AnswerFileMode
{
    /// <summary>Keep its answers and append the rest (after checking it belongs to the same model and method).</summary>
    Resume,

    /// <summary>Start from an empty file.</summary>
    Overwrite,
}

/// <summary>
/// Append-only answer-file writer for long runs. Each answer is written as one line and flushed at once, so an
/// interrupted run loses at most the line being written. On resume a torn last line (no newline and not valid JSON)
/// is cut off with a warning, <see cref="AnsweredIds"/> lists what is already done, and an existing file written by a
/// different model or method is refused with the file and line that show it.
/// </summary>
public sealed class AnswerFileWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly HashSet<QuestionId> _answered;
    private readonly List<string> _warnings;
    private readonly Random? _idRandom;
    private readonly bool _flushToDisk;

    private AnswerFileWriter(string path, string modelId, string? method, FileStream stream,
        HashSet<QuestionId> answered, List<string> warnings, Random? idRandom, bool flushToDisk)
    {
        Path = path;
        ModelId = modelId;
        Method = method;
        _stream = stream;
        _answered = answered;
        _warnings = warnings;
        _idRandom = idRandom;
        _flushToDisk = flushToDisk;
    }

    public string Path { get; }
    public string ModelId { get; }
    public string? Method { get; }

    /// <summary>Question ids already in the file (from earlier runs and this one).</summary>
    public IReadOnlySet<QuestionId> AnsweredIds => _answered;

    /// <summary>Warnings raised while opening (e.g. a torn last line was removed).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Opens <paramref name="path"/> for appending answers of <paramref name="modelId"/> / <paramref name="method"/>.
    /// </summary>
    /// <param name="path">The answer file (created with its folder if missing).</param>
    /// <param name="modelId">Written as <c>model_id</c>; an existing file must have the same.</param>
    /// <param name="method">Written as <c>metadata.method</c>; an existing file must have the same.</param>
    /// <param name="mode">Resume an existing file or overwrite it.</param>
    /// <param name="idRandom">Seeded generator for reproducible <c>answer_id</c>s; null for OS randomness.</param>
    /// <param name="flushToDisk">Also fsync every line (survives power loss, costs a disk sync per answer).</param>
    /// <param name="warn">Receives each warning as it happens (e.g. print to the console).</param>
    public static AnswerFileWriter Open(string path, string modelId, string? method,
        AnswerFileMode mode = AnswerFileMode.Resume, Random? idRandom = null, bool flushToDisk = false,
        Action<string>? warn = null)
    {
        var warnings = new List<string>();
        void Warn(string message)
        {
            warnings.Add(message);
            warn?.Invoke(message);
        }

        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);

        var answered = new HashSet<QuestionId>();
        if (mode == AnswerFileMode.Resume && File.Exists(path))
            ReadExisting(path, modelId, method, answered, Warn);

        FileStream stream = mode == AnswerFileMode.Overwrite
            ? new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)
            : new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        return new AnswerFileWriter(path, modelId, method, stream, answered, warnings, idRandom, flushToDisk);
    }

    /// <summary>Appends one answer; fills <c>model_id</c>, <c>answer_id</c> and <c>metadata.method</c>.</summary>
    public AnswerRecord Append(QuestionId questionId, string prompt, string text, JsonObject? metadata = null,
        JsonObject? extras = null)
    {
        var meta = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        if (Method is not null)
            meta[AnswerFile.MethodKey] = Method;
        var record = new AnswerRecord
        {
            QuestionId = questionId,
            Prompt = prompt,
            Text = text,
            AnswerId = ShortId.New(_idRandom),
            ModelId = ModelId,
            Metadata = meta,
            Extras = extras is null ? new JsonObject() : (JsonObject)extras.DeepClone(),
        };
        Append(record);
        return record;
    }

    /// <summary>Appends a ready-made record (its model and method must match this writer's).</summary>
    public void Append(AnswerRecord record)
    {
        if (record.ModelId != ModelId || (Method is not null && record.Method != Method))
            throw new ArgumentException(
                $"answer for {record.QuestionId} is from model '{record.ModelId}' method '{record.Method}', " +
                $"but {Path} collects model '{ModelId}' method '{Method}'");
        if (!_answered.Add(record.QuestionId))
            throw new InvalidOperationException($"{Path}: question_id {record.QuestionId} is already answered");
        // One write call per line, then flush: the OS has the whole line before we move on.
        byte[] bytes = Encoding.UTF8.GetBytes(JsonLines.Serialize(AnswerFile.ToJson(record)) + "\n");
        _stream.Write(bytes);
        _stream.Flush(_flushToDisk);
    }

    public void Dispose() => _stream.Dispose();

    private static void ReadExisting(string path, string modelId, string? method, HashSet<QuestionId> answered,
        Action<string> warn)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
        int completeLength = lastNewline + 1;
        if (completeLength < bytes.Length)
        {
            // A tail without newline is the line a killed run was writing. Keep it only if it is a whole answer.
            string tail = Encoding.UTF8.GetString(bytes, completeLength, bytes.Length - completeLength);
            int tailLine = CountLines(bytes, completeLength) + 1;
            if (IsCompleteAnswer(tail, path, tailLine))
            {
                using var fix = new FileStream(path, FileMode.Append, FileAccess.Write);
                fix.WriteByte((byte)'\n');
            }
            else
            {
                using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write))
                    truncate.SetLength(completeLength);
                warn($"{path}:{tailLine}: removed a torn last line ({bytes.Length - completeLength} bytes, " +
                     "an interrupted write); that question will be answered again");
            }
        }

        foreach (AnswerRecord r in AnswerFile.Read(path))
        {
            if (r.ModelId != modelId || (method is not null && r.Method != method))
                throw new BenchmarkFormatException(path, r.LineNumber,
                    $"existing answer file belongs to model_id '{r.ModelId}' method '{r.Method ?? "(none)"}', " +
                    $"but this run is model_id '{modelId}' method '{method ?? "(none)"}'; choose another answer " +
                    "file or start over with overwrite");
            if (!answered.Add(r.QuestionId))
                throw new BenchmarkFormatException(path, r.LineNumber,
                    $"question_id {r.QuestionId} is answered twice in the existing file");
        }
    }

    private static bool IsCompleteAnswer(string text, string path, int line)
    {
        try
        {
            AnswerFile.Parse(JsonLines.ParseObject(path, line, text), path, line);
            return true;
        }
        catch (BenchmarkFormatException)
        {
            return false;
        }
    }

    private static int CountLines(byte[] bytes, int length)
    {
        int n = 0;
        for (int i = 0; i < length; i++)
            if (bytes[i] == (byte)'\n')
                n++;
        return n;
    }
}
