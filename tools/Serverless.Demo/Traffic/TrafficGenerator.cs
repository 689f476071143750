using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Demo.Traffic;

/// <summary>
/// Sends generated loan applications to a model's records API (<c>POST /models/{name}/predict</c>, one row a request)
/// at a steady rate, optionally changing one feature from a given moment on, and posts the true outcome of a share of
/// the predictions as feedback (<c>POST /models/{name}/feedback</c>) so that the error-rate chart has points. Prints
/// a line a second. Only sampled predictions take feedback: the others answer 404 and are counted as not sampled.
/// </summary>
public sealed class TrafficGenerator(HttpClient client, TextWriter output)
{
    private readonly Queue<(long DueAt, string PredictionId, string Label)> _feedback = new();
    private string? _lastError;

    /// <summary>Sends the traffic <paramref name="options"/> describe until its time is up or <paramref name="cancellationToken"/> stops it.</summary>
    public async Task<TrafficTotals> RunAsync(TrafficOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var random = options.Seed is { } seed ? new Random(seed) : new Random();
        string predictPath = $"models/{Uri.EscapeDataString(options.Model)}/predict";
        string feedbackPath = $"models/{Uri.EscapeDataString(options.Model)}/feedback";
        var totals = new TrafficTotals();
        var clock = Stopwatch.StartNew();
        await output.WriteLineAsync(
            $"==> traffic: {options.Rate} predictions/s to '{options.Model}' for {options.Seconds} s" +
            (options.Shift is { } s ? $", shift {s} after {options.ShiftAfter.TotalSeconds:0} s" : ", no shift") +
            string.Create(CultureInfo.InvariantCulture, $", feedback for {options.FeedbackShare:P0} of them"));

        try
        {
            for (int second = 0; second < options.Seconds; second++)
            {
                bool shifted = options.Shift is not null && clock.Elapsed >= options.ShiftAfter;
                var rows = Enumerable.Range(0, options.Rate).Select(_ =>
                {
                    var row = DemoData.Next(random);
                    return (Truth: row.Approved, Sent: shifted ? options.Shift!.Apply(row, random) : row);
                }).ToList();

                var answers = await Task.WhenAll(rows.Select(r => PredictAsync(predictPath, r.Sent, cancellationToken)));
                var tick = new TrafficTotals();
                for (int i = 0; i < answers.Length; i++)
                {
                    tick.Sent++;
                    if (answers[i] is not { } answer)
                    {
                        tick.Errors++;
                        continue;
                    }

                    tick.Approved += answer.Approved ? 1 : 0;
                    if (random.NextDouble() < options.FeedbackShare && LabelFor(answer.Classes, rows[i].Truth) is { } label)
                    {
                        _feedback.Enqueue((clock.ElapsedMilliseconds + (long)options.FeedbackDelay.TotalMilliseconds, answer.PredictionId, label));
                    }
                }

                await SendFeedbackAsync(feedbackPath, clock.ElapsedMilliseconds, tick, cancellationToken);
                totals.Add(tick);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {second + 1,4} s  sent {tick.Sent,4}  errors {tick.Errors,3}  approved {(tick.Sent - tick.Errors > 0 ? (double)tick.Approved / (tick.Sent - tick.Errors) : 0),4:P0}  feedback {tick.FeedbackRecorded,3} recorded, {tick.FeedbackNotSampled,3} not sampled{(shifted ? $"  shift {options.Shift}" : "")}"));
                if (tick.LastError is { } error)
                {
                    await output.WriteLineAsync($"        last error: {error}");
                }

                var next = TimeSpan.FromSeconds(second + 1) - clock.Elapsed;
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next, cancellationToken);
                }
            }

            // The feedback still waiting for its samples to be stored.
            if (_feedback.Count > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, _feedback.Max(f => f.DueAt) - clock.ElapsedMilliseconds)), cancellationToken);
                var tail = new TrafficTotals();
                await SendFeedbackAsync(feedbackPath, long.MaxValue, tail, cancellationToken);
                totals.Add(tail);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C: the totals so far.
        }

        await output.WriteLineAsync(
            $"==> traffic: {totals.Sent} predictions sent, {totals.Errors} failed; feedback {totals.FeedbackRecorded} recorded, " +
            $"{totals.FeedbackNotSampled} not sampled, {totals.FeedbackErrors} failed");
        return totals;
    }

    // The feedback label is one of the answer's probability keys: "true"/"false" for the demo's boolean label.
    private static string? LabelFor(IReadOnlyList<string> classes, bool approved)
    {
        string[] names = approved ? ["true", "yes", "1"] : ["false", "no", "0"];
        return classes.FirstOrDefault(c => names.Contains(c, StringComparer.OrdinalIgnoreCase));
    }

    private static JsonObject ToJson(LoanRow row) => new()
    {
        ["income"] = row.Income,
        ["debt_ratio"] = row.DebtRatio,
        ["years_employed"] = row.YearsEmployed,
        ["late_payments"] = row.LatePayments,
        ["employment"] = row.Employment,
    };

    private async Task<Answer?> PredictAsync(string path, LoanRow row, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.PostAsJsonAsync(path, new JsonObject { ["rows"] = new JsonArray(ToJson(row)) }, cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                _lastError = $"predict: {(int)response.StatusCode} {body}";
                return null;
            }

            var prediction = JsonDocument.Parse(body).RootElement.GetProperty("predictions")[0];
            var label = prediction.GetProperty("label");
            return new Answer(
                prediction.GetProperty("prediction_id").GetString()!,
                label.ValueKind == JsonValueKind.True || (label.ValueKind == JsonValueKind.String && label.GetString() is "yes" or "true"),
                [.. prediction.GetProperty("probabilities").EnumerateObject().Select(p => p.Name)]);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _lastError = $"predict: {ex.Message}";
            return null;
        }
    }

    private async Task SendFeedbackAsync(string path, long now, TrafficTotals tick, CancellationToken cancellationToken)
    {
        var due = new List<(long DueAt, string PredictionId, string Label)>();
        while (_feedback.Count > 0 && _feedback.Peek().DueAt <= now)
        {
            due.Add(_feedback.Dequeue());
        }

        // One id a call: a call naming an unsampled prediction is refused whole (404), and which were sampled is not known here.
        var outcomes = await Task.WhenAll(due.Select(async item =>
        {
            try
            {
                var body = new JsonObject { ["feedback"] = new JsonArray(new JsonObject { ["predictionId"] = item.PredictionId, ["label"] = item.Label }) };
                using var response = await client.PostAsJsonAsync(path, body, cancellationToken);
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                {
                    _lastError = $"feedback: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                }

                return response.StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _lastError = $"feedback: {ex.Message}";
                return (HttpStatusCode)0;
            }
        }));
        tick.FeedbackRecorded += outcomes.Count(s => s == HttpStatusCode.OK);
        tick.FeedbackNotSampled += outcomes.Count(s => s == HttpStatusCode.NotFound);
        tick.FeedbackErrors += outcomes.Count(s => s is not (HttpStatusCode.OK or HttpStatusCode.NotFound));
        tick.LastError = Interlocked.Exchange(ref _lastError, null);
    }

    private sealed record Answer(string PredictionId, bool Approved, IReadOnlyList<string> Classes);
}
