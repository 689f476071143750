using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Core.Registry;

namespace Serverless.Core.Serving.Artifacts;

/// <summary>
/// Registered artifacts on the local disk, one folder per SHA-256 (<c>{CacheDirectory}/{sha256}/model.onnx</c>):
/// downloaded from Blob Storage straight to a file while hashed (never whole in memory), kept only if the hash is the
/// registered one, and checked again before each load, so a damaged local copy is fetched afresh. Each artifact alone in
/// its folder: nothing else is beside the file ONNX Runtime opens.
/// </summary>
internal sealed partial class ArtifactStore
{
    /// <summary>How long an artifact that failed its hash check is refused before it is downloaded and checked again.</summary>
    public static readonly TimeSpan IntegrityRetryAfter = TimeSpan.FromMinutes(1);

    private readonly ModelRegistry _registry;
    private readonly TimeProvider _clock;
    private readonly ILogger<ArtifactStore> _logger;
    private readonly string _directory;
    private readonly Dictionary<string, (long At, string Message)> _refused = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ArtifactStore(
        ModelRegistry registry,
        IOptions<ServingOptions> options,
        TimeProvider clock,
        ILogger<ArtifactStore> logger)
    {
        _registry = registry;
        _clock = clock;
        _logger = logger;
        _directory = string.IsNullOrWhiteSpace(options.Value.CacheDirectory)
            ? Path.Combine(Path.GetTempPath(), "serverless-models")
            : options.Value.CacheDirectory;
    }

    /// <summary>The path of the version's artifact on disk, downloading it if it is not there or is damaged.</summary>
    /// <exception cref="ModelIntegrityException">
    /// The stored artifact does not match its recorded SHA-256. The refusal is remembered for
    /// <see cref="IntegrityRetryAfter"/>, so that requests in the meantime fail at once instead of each downloading the
    /// artifact and recording another event.
    /// </exception>
    public async Task<string> GetPathAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_gate)
        {
            if (_refused.TryGetValue(version.Sha256, out var refusal))
            {
                if (_clock.GetElapsedTime(refusal.At) < IntegrityRetryAfter)
                {
                    throw new ModelIntegrityException(refusal.Message);
                }

                _refused.Remove(version.Sha256);
            }
        }

        string folder = Path.Combine(_directory, version.Sha256);
        string path = Path.Combine(folder, "model.onnx");
        if (File.Exists(path))
        {
            string local;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            {
                local = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            }

            if (local == version.Sha256)
            {
                return path;
            }

            // A damaged local copy is not the registry's problem: drop it and fetch the artifact again.
            LogLocalCopyDamaged(_logger, path);
            File.Delete(path);
        }

        // Beside the cache, not in the artifact's folder: the folder only ever holds the verified model.
        Directory.CreateDirectory(_directory);
        string temporary = Path.Combine(_directory, $"{version.Sha256}.{Guid.NewGuid():N}.tmp");
        try
        {
            string actual = await DownloadAsync(version, temporary, cancellationToken);
            if (actual != version.Sha256)
            {
                await RefuseAsync(version, actual);
            }

            Directory.CreateDirectory(folder);
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Writes the blob to <paramref name="path"/> while hashing it; returns the hash of what arrived.</summary>
    private async Task<string> DownloadAsync(ModelVersionInfo version, string path, CancellationToken cancellationToken)
    {
        await using var source = await _registry.OpenArtifactAsync(version, cancellationToken);
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);

        // Longer than registered: it cannot hash right, and a runaway blob must not fill the disk.
        return await HashingCopy.CopyAsync(source, target, version.SizeBytes, cancellationToken) is { } copied
            ? copied.Sha256
            : "(more than the registered " + version.SizeBytes + " bytes)";
    }

    private async Task RefuseAsync(ModelVersionInfo version, string actual)
    {
        string message = $"Model '{version.Name}' version {version.Version} is not served: its artifact '{version.Artifact}' hashes to {actual}, not the registered {version.Sha256}.";
        LogIntegrityFailure(_logger, version.Name, version.Version, version.Sha256, actual);
        lock (_gate)
        {
            _refused[version.Sha256] = (_clock.GetTimestamp(), message);
        }

        await _registry.RecordEventAsync(version.Name, version.Version, "integrity-failure", message, CancellationToken.None);
        throw new ModelIntegrityException(message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local model copy {Path} is damaged; downloading it again")]
    private static partial void LogLocalCopyDamaged(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name} version {Version} refused: artifact hashes to {Actual}, registered {Expected}")]
    private static partial void LogIntegrityFailure(ILogger logger, string name, int version, string expected, string actual);
}
