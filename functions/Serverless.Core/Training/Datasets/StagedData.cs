using Serverless.Core.Registry;

namespace Serverless.Core.Training.Datasets;

/// <summary>
/// Data copied to a temporary file while its SHA-256 is computed, so that no dataset is held whole in memory and
/// Parquet can seek in it. Deleting the file is the owner's job (<see cref="Dispose"/>).
/// </summary>
internal sealed class StagedData : IDisposable
{
    private StagedData(string path, string sha256, long length)
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

    /// <summary>Copies <paramref name="source"/> to a new temporary file, hashing as it goes; null when more than <paramref name="maxBytes"/> arrived (nothing is left on disk).</summary>
    public static async Task<StagedData?> WriteAsync(Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "serverless-datasets");
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N"));
        try
        {
            (string Sha256, long Length)? copied;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                copied = await HashingCopy.CopyAsync(source, file, maxBytes, cancellationToken);
            }

            if (copied is { } done)
            {
                return new StagedData(path, done.Sha256, done.Length);
            }

            File.Delete(path);
            return null;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Opens the file for reading.</summary>
    public FileStream OpenRead() => new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>Deletes the temporary file.</summary>
    public void Dispose() => File.Delete(Path);
}
