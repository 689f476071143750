using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Serverless.Core.Serving.Execution;

/// <summary>
/// Runs a loaded model within what one request may cost: terminated after <see cref="ServingOptions.MaxRunTime"/> (or
/// when the caller goes away), refused when its outputs hold more than <see cref="ServingOptions.MaxOutputElements"/>
/// values, failed cleanly when the shared arena (<see cref="ServingOptions.MaxInferenceMemoryBytes"/>) is exhausted,
/// and the arena's unused memory given back after every run.
/// </summary>
internal sealed class ModelExecutor(IOptions<ServingOptions> options)
{
    // About 4 MiB of outputs: below it, what stays in the arena until the next run does not matter.
    private const long GiveBackAfterValues = 1 << 20;

    // Run options are native objects: each thread keeps one for its next run (a run is synchronous, so it returns the
    // options on the thread that took them), unless a run was told to stop with them. Per thread, so runs on several
    // cores share nothing.
    [ThreadStatic]
    private static RunOptions? _threadRunOptions;

    private readonly ServingOptions _options = options.Value;

    /// <summary>Runs the session; the caller disposes the results (which gives large outputs' memory back).</summary>
    /// <exception cref="RequestLimitExceededException">The run took too long, needed too much memory or gave too many values.</exception>
    /// <exception cref="InvalidInferenceRequestException">ONNX Runtime refused the input's values.</exception>
    public RunResults Run(
        LoadedModel model,
        IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames,
        CancellationToken cancellationToken)
    {
        var runOptions = RentRunOptions();
        bool stopped = true;
        IDisposableReadOnlyCollection<OrtValue> results;
        try
        {
            var watch = RunWatchdog.Shared.Start(runOptions, _options.MaxRunTime);
            using (watch)
            using (cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions))
            {
                try
                {
                    results = model.Session.Run(runOptions, inputNames, inputs, outputNames);
                }
                catch (OnnxRuntimeException ex) when (watch.Expired || cancellationToken.IsCancellationRequested)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new RequestLimitExceededException(
                        string.Create(CultureInfo.InvariantCulture, $"The model ran longer than the {_options.MaxRunTime.TotalSeconds:0.###} s one request may take (Serving__MaxRunTime) and was stopped: send less data per request."),
                        ex);
                }
                catch (OnnxRuntimeException ex) when (InferenceMemory.IsExhausted(ex))
                {
                    throw new RequestLimitExceededException(
                        string.Create(CultureInfo.InvariantCulture, $"The model needs more memory than ONNX Runtime may use for running requests ({InferenceMemory.LimitBytes} bytes, Serving__MaxInferenceMemoryBytes, shared by the requests running at once): send less data per request, or ask for smaller outputs."),
                        ex);
                }
                catch (OnnxRuntimeException ex) when (IsAboutTheInput(ex))
                {
                    // The request passed every check against the graph, so what the model cannot run on is these values.
                    throw new InvalidInferenceRequestException($"The model could not run on this input: {ex.Message}", ex);
                }
            }

            // Read once neither the watchdog nor the token can touch the options any more (both are disposed).
            stopped = watch.Expired || cancellationToken.IsCancellationRequested;
        }
        finally
        {
            if (stopped)
            {
                runOptions.Dispose();
            }
            else
            {
                ReturnRunOptions(runOptions);
            }
        }

        long values = 0;
        var tensors = new OrtTensorTypeAndShapeInfo?[results.Count];
        int i = 0;
        foreach (var result in results)
        {
            // A tensor's type and shape are read once here (each read is several native calls) and kept for the answer.
            if (result.OnnxType == OnnxValueType.ONNX_TYPE_TENSOR)
            {
                var info = result.GetTensorTypeAndShape();
                tensors[i] = info;
                values += info.ElementCount;
            }
            else
            {
                values += CountValues(result);
            }

            i++;
        }

        if (values > _options.MaxOutputElements)
        {
            results.Dispose();
            throw new RequestLimitExceededException(string.Create(
                CultureInfo.InvariantCulture,
                $"The outputs hold {values} values, more than the {_options.MaxOutputElements} one response may carry (Serving__MaxOutputElements): send less data per request, or ask for fewer outputs."));
        }

        return new RunResults(results, tensors, values >= GiveBackAfterValues);
    }

    private static RunOptions RentRunOptions()
    {
        var kept = _threadRunOptions;
        _threadRunOptions = null;
        return kept ?? InferenceMemory.ShrinkingRunOptions();
    }

    private static void ReturnRunOptions(RunOptions runOptions)
    {
        if (_threadRunOptions is null)
        {
            _threadRunOptions = runOptions;
        }
        else
        {
            runOptions.Dispose();
        }
    }

    // The exception's code is not public; its message starts with it ("[ErrorCode:InvalidArgument] ...").
    private static bool IsAboutTheInput(OnnxRuntimeException exception) =>
        exception.Message.StartsWith("[ErrorCode:InvalidArgument]", StringComparison.Ordinal) ||
        exception.Message.StartsWith("[ErrorCode:RuntimeException]", StringComparison.Ordinal) ||
        exception.Message.StartsWith("[ErrorCode:Fail]", StringComparison.Ordinal);

    private static long CountValues(OrtValue value)
    {
        switch (value.OnnxType)
        {
            case OnnxValueType.ONNX_TYPE_TENSOR:
                return value.GetTensorTypeAndShape().ElementCount;
            case OnnxValueType.ONNX_TYPE_SEQUENCE:
            case OnnxValueType.ONNX_TYPE_MAP:
                long total = 0;
                int count = value.GetValueCount();
                for (int i = 0; i < count; i++)
                {
                    using var element = value.GetValue(i, OrtAllocator.DefaultInstance);
                    total += CountValues(element);
                }

                return total;
            default:
                return 0;
        }
    }
}
