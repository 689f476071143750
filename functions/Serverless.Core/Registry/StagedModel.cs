namespace Serverless.Core.Registry;

/// <summary>
/// A model copied to a temporary file while its SHA-256 is computed, so that no model is ever held whole in memory
/// and ONNX Runtime inspects it from the path. Deleting the file is the owner's job (<see cref="Dispose"/>).
/// </summary>
internal sealed class StagedModel : IDisposable
{
    private StagedModel(string path, string sha256, long length)
    {
        Path = path;
        Sha256 = sha256;
        Length = length;
    }

    /// <summary>The temporary file.</summary>
    public string Path { get; }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string Sha256 { get; }

    /// <summary>Length in bytes.</summary>
    public long Length { get; }

    /// <summary>Copies <paramref name="source"/> to a new temporary file, hashing as it goes.</summary>
    /// <exception cref="ModelTooLargeException">More than <paramref name="maxBytes"/> bytes arrived; nothing is left on disk.</exception>
    public static async Task<StagedModel> WriteAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        // Each staged model in its own directory: a path ONNX Runtime might resolve next to it holds nothing else.
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "serverless-registry", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, "model.onnx");
        try
        {
            (string Sha256, long Length)? copied;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                copied = await HashingCopy.CopyAsync(source, file, maxBytes, cancellationToken);
            }

            return copied is { } done ? new StagedModel(path, done.Sha256, done.Length) : throw new ModelTooLargeException(maxBytes);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Deletes the temporary file.</summary>
    public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
}
