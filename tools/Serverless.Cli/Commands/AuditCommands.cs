using System.CommandLine;
using System.Globalization;
using Serverless.Cli.Rendering;

namespace Serverless.Cli.Commands;

/// <summary><c>audit</c> and <c>audit verify</c>: who did what, and whether the record still holds.</summary>
internal static class AuditCommands
{
    /// <summary>The command, its actions bound through <paramref name="runner"/>.</summary>
    public static Command Create(CommandRunner runner)
    {
        var model = new Option<string?>("--model") { Description = "Only this model's entries (_platform: actions on no model)" };
        var actor = new Option<string?>("--actor") { Description = "Only entries by this subject (the token's sub or oid; platform:... for the platform)" };
        var action = new Option<string?>("--action") { Description = "Only this action, such as alias.set, model.register or retraining.approve" };
        var since = new Option<string?>("--since") { Description = "Only entries since this time (ISO 8601) or this long ago (30m, 12h, 7d)" };
        var top = new Option<int?>("--top") { Description = "At most this many entries (1 to 1000; 100 by default)" };
        var continuation = new Option<string?>("--continuation") { Description = "Continue from the token a previous page printed" };
        var audit = new Command("audit", "Show the audit log: governed actions with who, target, before and after, reason and outcome, by model then oldest first")
        {
            model,
            actor,
            action,
            since,
            top,
            continuation,
        };
        runner.SetAction(audit, async (parseResult, context, cancellationToken) =>
        {
            var from = Since(parseResult.GetValue(since), DateTimeOffset.UtcNow);
            var body = await context.Client.GetAuditAsync(
                parseResult.GetValue(model), parseResult.GetValue(actor), parseResult.GetValue(action), from, parseResult.GetValue(top), parseResult.GetValue(continuation), cancellationToken);
            context.Show(body, new AuditRenderer(context.Console).Entries);
            return ExitCodes.Success;
        });

        var verifyModel = new Option<string?>("--model") { Description = "Only this model's chain (_platform: actions on no model)" };
        var verify = new Command("verify", "Walk the audit log's hash chains and report the first entry edited or deleted (exit code 1 when one is)") { verifyModel };
        runner.SetAction(verify, async (parseResult, context, cancellationToken) =>
        {
            var body = await context.Client.VerifyAuditAsync(parseResult.GetValue(verifyModel), cancellationToken);
            context.Show(body, new AuditRenderer(context.Console).Verification);
            return body.Get("verified") is { ValueKind: System.Text.Json.JsonValueKind.True } ? ExitCodes.Success : ExitCodes.Failure;
        });
        audit.Add(verify);
        return audit;
    }

    /// <summary>The time <paramref name="text"/> names: an ISO 8601 time, or a span (<c>30m</c>, <c>12h</c>, <c>7d</c>) before <paramref name="now"/>.</summary>
    /// <exception cref="CliInputException">It is neither.</exception>
    internal static DateTimeOffset? Since(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount) && amount >= 0)
        {
            TimeSpan? span = char.ToLowerInvariant(text[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } ago)
            {
                return now - ago;
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        throw new CliInputException($"--since must be a time in ISO 8601 (2026-11-27T09:00:00Z) or a span such as 30m, 12h or 7d, not '{text}'.");
    }
}
