using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Serverless.Core.Registry;

namespace Serverless.Core.Storage;

/// <summary>
/// Content copied to a temporary file while its SHA-256 is computed, so that no model or dataset is held whole in memory
/// and readers that need a path (ONNX Runtime) or to seek (Parquet) have one. Each file is alone in its own folder: a
/// path ONNX Runtime might resolve next to a model holds nothing else. Deleting it is the owner's job
/// (<see cref="Dispose"/>).
/// </summary>
internal sealed class StagedFile : IDisposable
{
    private StagedFile(string path, string sha256, long length)
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

    /// <summary>
    /// Copies <paramref name="source"/> to a new temporary file named <paramref name="fileName"/>, hashing as it goes; null
    /// when more than <paramref name="maxBytes"/> arrived (nothing is left on disk).
    /// </summary>
    public static async Task<StagedFile?> WriteAsync(Stream source, long maxBytes, string fileName, CancellationToken cancellationToken)
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "serverless-staging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, fileName);
        try
        {
            (string Sha256, long Length)? copied;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                copied = await HashingCopy.CopyAsync(source, file, maxBytes, cancellationToken);
            }

            if (copied is { } done)
            {
                return new StagedFile(path, done.Sha256, done.Length);
            }

            Directory.Delete(directory, recursive: true);
            return null;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Uploads the file to <paramref name="blob"/> unless a blob is there: content-addressed blobs are named by their hash,
    /// so one that exists already holds these bytes.
    /// </summary>
    public async Task UploadOnceAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            await blob.UploadAsync(Path, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The same bytes are already stored under their hash.
        }
    }

    /// <summary>Opens the file for reading.</summary>
    public FileStream OpenRead() => new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Deletes the temporary file and its folder.</summary>
    public void Dispose() => Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true);
}
